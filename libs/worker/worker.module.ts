import { Module } from '@nestjs/common';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { StatusModule } from '@libs/status/status.module';
import { ReminderDeliveryModule } from '@libs/reminders/reminders.module';
import { DashboardModule } from '@libs/dashboard/dashboard.module';
import { ReminderDeliveryProcessor } from './reminder-delivery.processor';
import { RemindersProcessor } from './reminders.processor';
import { MaintenanceProcessor } from './maintenance.processor';
import { Schedules } from './schedules';

/** Processors and schedules. Needs CoreModule and JobsModule from the root that loads it. */
@Module({
  imports: [ProgrammesModule, StatusModule, ReminderDeliveryModule, DashboardModule],
  providers: [MaintenanceProcessor, RemindersProcessor, ReminderDeliveryProcessor, Schedules],
})
export class WorkerModule {}
