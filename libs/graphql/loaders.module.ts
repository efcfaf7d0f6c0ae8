import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FootprintModule } from '../footprint/footprint.module';
import { MilestonesModule } from '../milestones/milestones.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { RemindersModule } from '../reminders/reminders.module';
import { LoaderFactory } from './loaders';

@Module({
  imports: [AuditModule, FootprintModule, MilestonesModule, OrganisationsModule, ProgrammesModule, RemindersModule],
  providers: [LoaderFactory],
  exports: [LoaderFactory],
})
export class LoadersModule {}
