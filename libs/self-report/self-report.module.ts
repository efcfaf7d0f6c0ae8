import { ChangesModule } from '../changes/changes.module';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FootprintModule } from '../footprint/footprint.module';
import { MilestonesModule } from '../milestones/milestones.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { StatusModule } from '../status/status.module';
import { SelfReportService } from './self-report.service';

@Module({
  imports: [ChangesModule, AuditModule, FootprintModule, MilestonesModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [SelfReportService],
  exports: [SelfReportService],
})
export class SelfReportModule {}
