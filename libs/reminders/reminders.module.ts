import { ChangesModule } from '@libs/changes/changes.module';
import { Module } from '@nestjs/common';
import { AuditModule } from '@libs/audit/audit.module';
import { OrganisationsModule } from '@libs/organisations/organisations.module';
import { ProgrammesModule } from '@libs/programmes/programmes.module';
import { ReferenceModule } from '@libs/reference/reference.module';
import { StatusModule } from '@libs/status/status.module';
import { LinksModule } from '@libs/links/links.module';
import { DeliveryService } from './delivery.service';
import { OutboxRelay } from './outbox-relay.service';
import { ReminderPlanner } from './reminder-planner.service';
import { RemindersService } from './reminders.service';

@Module({
  imports: [ChangesModule, AuditModule, OrganisationsModule, ProgrammesModule, ReferenceModule, StatusModule],
  providers: [ReminderPlanner, RemindersService],
  exports: [ReminderPlanner, RemindersService],
})
export class RemindersModule {}

/** The worker's side: the relay from the outbox to the queue, and the sender. */
@Module({
  imports: [RemindersModule, LinksModule],
  providers: [OutboxRelay, DeliveryService],
  exports: [OutboxRelay, DeliveryService, RemindersModule],
})
export class ReminderDeliveryModule {}
