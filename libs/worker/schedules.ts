import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { JobProducer } from '@libs/jobs/job-producer';
import { JobName, QueueName, SCHEDULER_TIME_ZONE } from '@libs/jobs/queues';

/** Job schedulers (idempotent upserts: every worker may run this at start). */
@Injectable()
export class Schedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(Schedules.name);

  constructor(
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap() {
    if (this.runtime.config.WORKER_SCHEDULES === 'off') {
      this.logger.log('wall-clock schedules are off (WORKER_SCHEDULES=off): statuses and reminder plans move only when asked');
      return;
    }
    const maintenance = this.jobs.queue(QueueName.Maintenance);
    const reminders = this.jobs.queue(QueueName.Reminders);
    if (!maintenance || !reminders) return;
    try {
      await maintenance.upsertJobScheduler(
        'refresh-statuses-hourly',
        { pattern: '5 * * * *', tz: SCHEDULER_TIME_ZONE },
        { name: JobName.RefreshStatuses, data: {} },
      );
      // One plan per quarter hour: the outbox's unique key makes each run add only what is new.
      await reminders.upsertJobScheduler('plan-reminders', { pattern: '*/15 * * * *', tz: SCHEDULER_TIME_ZONE }, { name: JobName.PlanReminders, data: {} });
    } catch (error) {
      this.logger.warn(`could not register schedules yet (Redis away?): ${(error as Error).message}`);
    }
  }
}
