import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queues';

/** The one way code puts work on a queue: typed by job name, routed by JOB_QUEUE. */
@Injectable()
export class JobProducer implements OnApplicationShutdown {
  constructor(@Optional() private readonly queues: Map<QueueName, Queue> | null = null) {}

  /** Its queues are its own (JobsModule): closed with the application. */
  async onApplicationShutdown() {
    await Promise.all(this.allQueues().map((q) => q.close().catch(() => undefined)));
  }

  get available(): boolean {
    return this.queues !== null && this.queues.size > 0;
  }

  queue(name: QueueName): Queue | undefined {
    return this.queues?.get(name);
  }

  allQueues(): Queue[] {
    return [...(this.queues?.values() ?? [])];
  }

  async add<N extends JobName>(name: N, data: JobPayloads[N], options?: JobsOptions): Promise<string | undefined> {
    const queue = this.queues?.get(JOB_QUEUE[name]);
    if (!queue) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The job queue is unavailable: Redis is not configured');
    const job = await queue.add(name, data as never, options);
    return job.id;
  }
}
