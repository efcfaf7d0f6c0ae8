import { Module } from '@nestjs/common';
import { AuditModule } from '@libs/audit/audit.module';
import { FootprintModule } from '@libs/footprint/footprint.module';
import { MilestonesModule } from '@libs/milestones/milestones.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { RemindersModule } from '@libs/reminders/reminders.module';
import { LoaderFactory } from './loaders';

@Module({
  imports: [AuditModule, FootprintModule, MilestonesModule, OrganisationsModule, ProgrammesModule, RemindersModule],
  providers: [LoaderFactory],
  exports: [LoaderFactory],
})
export class LoadersModule {}
