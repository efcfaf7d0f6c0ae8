import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { DelayedError, Job } from 'bullmq';
import { JobName, JobOf, QueueName } from '@libs/jobs/queues';
import { DeliveryService } from '@libs/reminders/delivery.service';

type DeliverJob = JobOf<JobName.DeliverReminder>;

/** Sends one outbox row per job; a thrown error is a retry with backoff, the last one ends FAILED; a row another run holds is waited for. */
// Decorator options are read when the module loads, before Nest exists; loadConfig has validated the variable by then.
const LOCK_MS = Number(process.env.DELIVERY_LOCK_MS) || 30_000;

@Processor(QueueName.ReminderDelivery, { lockDuration: LOCK_MS, stalledInterval: LOCK_MS, maxStalledCount: 5 })
export class ReminderDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReminderDeliveryProcessor.name);

  constructor(
    private readonly delivery: DeliveryService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    super();
  }

  onApplicationBootstrap() {
    this.worker.concurrency = this.runtime.config.DELIVERY_CONCURRENCY;
  }

  async process(job: Job<DeliverJob['data'], unknown, DeliverJob['name']>, token?: string): Promise<unknown> {
    switch (job.name) {
      case JobName.DeliverReminder: {
        const attempts = job.opts.attempts ?? this.runtime.config.DELIVERY_ATTEMPTS;
        const outcome = await this.delivery.deliver(
          job.data.deliveryId,
          { final: job.attemptsMade + 1 >= attempts, max: this.runtime.config.DELIVERY_ATTEMPTS },
          job.data.generation,
        );
        if (typeof outcome === 'object') {
          // another run holds the row within its lock: wait for it without spending an attempt (BullMQ's DelayedError)
          await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
          throw new DelayedError();
        }
        return outcome;
      }
      default:
        throw new Error(`Unknown job ${String(job.name)} on ${QueueName.ReminderDelivery}`);
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`worker connection: ${error.message}`);
  }
}
