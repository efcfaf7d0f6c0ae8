import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { RUNTIME, Runtime } from '../core/runtime/runtime';
import type { Job } from 'bullmq';
import { JobName, JobOf, QueueName } from '../jobs/queues';
import { DeliveryService } from '../reminders/delivery.service';

type DeliverJob = JobOf<JobName.DeliverReminder>;

/** Sends one outbox row per job; a thrown error is a retry with backoff, the last one ends FAILED. */
// Decorator options are read when the module loads, before Nest exists; loadConfig has validated the variable by then.
const LOCK_MS = Number(process.env.DELIVERY_LOCK_MS) || 30_000;

@Processor(QueueName.ReminderDelivery, { lockDuration: LOCK_MS, stalledInterval: LOCK_MS, maxStalledCount: 5 })
export class ReminderDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReminderDeliveryProcessor.name);

  constructor(private readonly delivery: DeliveryService, @Inject(RUNTIME) private readonly runtime: Runtime) {
    super();
  }

  onApplicationBootstrap() {
    this.worker.concurrency = this.runtime.config.DELIVERY_CONCURRENCY;
  }

  async process(job: Job<DeliverJob['data'], unknown, DeliverJob['name']>): Promise<unknown> {
    switch (job.name) {
      case JobName.DeliverReminder: {
        const attempts = job.opts.attempts ?? this.runtime.config.DELIVERY_ATTEMPTS;
        return this.delivery.deliver(job.data.deliveryId, job.attemptsMade + 1 >= attempts, job.data.generation);
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
