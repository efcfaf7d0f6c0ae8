import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ProgrammesModule } from '../programmes/programmes.module';
import { DashboardPageController } from './dashboard-page.controller';
import { DashboardResolver } from './dashboard.resolver';
import { DashboardService } from './dashboard.service';
import { ExportController } from './export.controller';

@Module({
  imports: [ProgrammesModule, OrganisationsModule, AccessModule],
  controllers: [ExportController, DashboardPageController],
  providers: [DashboardService, DashboardResolver],
  exports: [DashboardService],
})
export class DashboardModule {}
