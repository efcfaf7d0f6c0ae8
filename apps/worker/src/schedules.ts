import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobProducer } from '../../../libs/jobs/job-producer';
import { JobName, QueueName, SCHEDULER_TIME_ZONE } from '../../../libs/jobs/queues';

/** Job schedulers (idempotent upserts: every worker may run this at start). */
@Injectable()
export class Schedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(Schedules.name);

  constructor(private readonly jobs: JobProducer) {}

  async onApplicationBootstrap() {
    const queue = this.jobs.queue(QueueName.Maintenance);
    if (!queue) return;
    try {
      await queue.upsertJobScheduler(
        'refresh-statuses-hourly',
        { pattern: '5 * * * *', tz: SCHEDULER_TIME_ZONE },
        { name: JobName.RefreshStatuses, data: {} },
      );
    } catch (error) {
      this.logger.warn(`could not register schedules yet (Redis away?): ${(error as Error).message}`);
    }
  }
}
