import { Module } from '@nestjs/common';
import { ProgrammesModule } from '../programmes/programmes.module';
import { DashboardResolver } from './dashboard.resolver';
import { DashboardService } from './dashboard.service';

@Module({ imports: [ProgrammesModule], providers: [DashboardService, DashboardResolver], exports: [DashboardService] })
export class DashboardModule {}
