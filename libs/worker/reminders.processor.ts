import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobOf, QueueName } from '@libs/jobs/queues';
import { OutboxRelay } from '@libs/reminders/outbox-relay.service';
import { RemindersService } from '@libs/reminders/reminders.service';

type PlanJob = JobOf<JobName.PlanReminders>;

/** The planner, on a job scheduler: plan, then hand what is due to the relay at once. */
@Processor(QueueName.Reminders, { concurrency: 1 })
export class RemindersProcessor extends WorkerHost {
  private readonly logger = new Logger(RemindersProcessor.name);

  constructor(
    private readonly reminders: RemindersService,
    private readonly relay: OutboxRelay,
  ) {
    super();
  }

  async process(job: Job<PlanJob['data'], unknown, PlanJob['name']>): Promise<unknown> {
    switch (job.name) {
      case JobName.PlanReminders: {
        const result = await this.reminders.runPlanner();
        await this.relay.relayOnce().catch(() => undefined);
        return result;
      }
      default:
        throw new Error(`Unknown job ${String(job.name)} on ${QueueName.Reminders}`);
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`worker connection: ${error.message}`);
  }
}
