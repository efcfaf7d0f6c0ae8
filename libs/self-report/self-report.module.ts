import { ChangesModule } from '@libs/changes/changes.module';
import { Module } from '@nestjs/common';
import { AuditModule } from '@libs/audit/audit.module';
import { FootprintModule } from '@libs/footprint/footprint.module';
import { MilestonesModule } from '@libs/milestones/milestones.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { StatusModule } from '@libs/status/status.module';
import { SelfReportService } from './self-report.service';

@Module({
  imports: [ChangesModule, AuditModule, FootprintModule, MilestonesModule, OrganisationsModule, ProgrammesModule, StatusModule],
  providers: [SelfReportService],
  exports: [SelfReportService],
})
export class SelfReportModule {}
