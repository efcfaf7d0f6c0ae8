import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Runtime } from '../core/runtime/runtime';
import { JobProducer } from './job-producer';
import { DEFAULT_JOB_OPTIONS, QueueName, redisConnectionOptions } from './queues';

const QUEUES = Object.values(QueueName);

/**
 * BullMQ on Redis: both apps register the queues, only the worker registers processors. Producers
 * fail fast when Redis is away (no offline queue); workers wait for it (maxRetriesPerRequest: null).
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(runtime: Runtime): DynamicModule {
    if (!runtime.redisUrl) {
      return { module: JobsModule, providers: [{ provide: JobProducer, useValue: new JobProducer(null) }], exports: [JobProducer] };
    }
    const connection = redisConnectionOptions(runtime.redisUrl, { sentinels: runtime.config.REDIS_SENTINELS, name: runtime.config.REDIS_SENTINEL_NAME });
    return {
      module: JobsModule,
      imports: [
        BullModule.forRoot({ connection: { ...connection, maxRetriesPerRequest: null }, prefix: runtime.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
        ...QUEUES.map((name) =>
          BullModule.registerQueue({ name, connection: { ...connection, enableOfflineQueue: false } }),
        ),
      ],
      providers: [
        {
          provide: JobProducer,
          inject: QUEUES.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => {
            for (const q of queues) q.on('error', () => undefined); // reconnection is logged by health and metrics, not as a crash
            return new JobProducer(new Map(QUEUES.map((name, i) => [name, queues[i]])));
          },
        },
      ],
      exports: [JobProducer, BullModule],
    };
  }
}
