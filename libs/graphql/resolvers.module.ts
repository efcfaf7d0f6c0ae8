import { Module } from '@nestjs/common';
import { AccessModule } from '@libs/access/access.module';
import { DashboardModule } from '@libs/dashboard/dashboard.module';
import { FootprintModule } from '@libs/footprint/footprint.module';
import { LinksModule } from '@libs/links/links.module';
import { MilestonesModule } from '@libs/milestones/milestones.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import { RemindersModule } from '@libs/reminders/reminders.module';
import { SelfReportModule } from '@libs/self-report/self-report.module';
import { StatusModule } from '@libs/status/status.module';
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
  imports: [
    AccessModule,
    DashboardModule,
    FootprintModule,
    LinksModule,
    MilestonesModule,
    OrganisationsModule,
    ProgrammesModule,
    ReferenceModule,
    RemindersModule,
    SelfReportModule,
    StatusModule,
  ],
  providers: [
    CredentialsResolver,
    ClockResolver,
    DashboardResolver,
    FootprintResolver,
    LinksResolver,
    MilestonesResolver,
    OrganisationsResolver,
    ProgrammesResolver,
    ReferenceResolver,
    RemindersResolver,
    OrganisationRemindersResolver,
    ContactPreferenceResolver,
    SelfReportResolver,
    WorkQueueResolver,
  ],
})
export class ResolversModule {}
