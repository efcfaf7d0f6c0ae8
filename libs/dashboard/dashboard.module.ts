import { Module } from '@nestjs/common';
import { AccessModule } from '@libs/access/access.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { AtRiskService } from './at-risk.service';
import { DashboardService } from './dashboard.service';
import { WorkQueueService } from './work-queue.service';

@Module({
  imports: [ProgrammesModule, OrganisationsModule, AccessModule],
  providers: [DashboardService, AtRiskService, WorkQueueService],
  exports: [DashboardService, AtRiskService, WorkQueueService],
})
export class DashboardModule {}
