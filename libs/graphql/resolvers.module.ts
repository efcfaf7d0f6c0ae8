import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DashboardModule } from '../dashboard/dashboard.module';
import { FootprintModule } from '../footprint/footprint.module';
import { LinksModule } from '../links/links.module';
import { MilestonesModule } from '../milestones/milestones.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { ReferenceModule } from '../reference/reference.module';
import { RemindersModule } from '../reminders/reminders.module';
import { SelfReportModule } from '../self-report/self-report.module';
import { StatusModule } from '../status/status.module';
import { CredentialsResolver } from './access/credentials.resolver';
import { ClockResolver } from './clock/clock.resolver';
import { DashboardResolver } from './dashboard/dashboard.resolver';
import { FootprintResolver } from './footprint/footprint.resolver';
import { LinksResolver } from './links/links.resolver';
import { MilestonesResolver } from './milestones/milestones.resolver';
import { OrganisationsResolver } from './organisations/organisations.resolver';
import { ProgrammesResolver } from './programmes/programmes.resolver';
import { ReferenceResolver } from './reference/reference.resolver';
import { ContactPreferenceResolver, OrganisationRemindersResolver, RemindersResolver } from './reminders/reminders.resolver';
import { SelfReportResolver } from './self-report/self-report.resolver';
import { WorkQueueResolver } from './work/work-queue.resolver';

/** The GraphQL edge: every resolver, over the feature modules whose services they call. */
@Module({
  imports: [AccessModule, DashboardModule, FootprintModule, LinksModule, MilestonesModule, OrganisationsModule, ProgrammesModule, ReferenceModule, RemindersModule, SelfReportModule, StatusModule],
  providers: [
    CredentialsResolver, ClockResolver, DashboardResolver, FootprintResolver, LinksResolver, MilestonesResolver, OrganisationsResolver, ProgrammesResolver,
    ReferenceResolver, RemindersResolver, OrganisationRemindersResolver, ContactPreferenceResolver, SelfReportResolver, WorkQueueResolver,
  ],
})
export class ResolversModule {}
