import { Module } from '@nestjs/common';
import { ProgrammesModule } from '../../../libs/programmes/programmes.module';
import { StatusModule } from '../../../libs/status/status.module';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { Schedules } from './schedules';

/** Processors and schedules. Needs CoreModule and JobsModule from the root that loads it. */
@Module({
  imports: [ProgrammesModule, StatusModule],
  providers: [MaintenanceProcessor, Schedules],
})
export class WorkerModule {}
