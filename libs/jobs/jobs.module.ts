import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import type { Runtime } from '@libs/core/runtime/runtime';
import { bullmqTelemetry } from '@libs/core/tracing/tracing';
import { JobProducer } from './job-producer';
import { DEFAULT_JOB_OPTIONS, QueueName, redisConnectionOptions } from './queues';

const QUEUES = Object.values(QueueName);

/**
 * BullMQ on Redis: both apps register the queues, only the worker registers processors. Producers
 * fail fast when Redis is away (no offline queue); workers wait for it (maxRetriesPerRequest: null).
 *
 * @nestjs/bullmq builds each processor's Worker from its registered queue's options, so the registered
 * queues carry the workers' connection, and the producers (the relay, health, metrics, the queue board,
 * the schedules) get fail-fast queues of their own. A Worker on a connection without an offline queue
 * stopped taking jobs for good when Redis changed master under it (test/sentinel.e2e-spec.ts).
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(runtime: Runtime): DynamicModule {
    if (!runtime.redisUrl) {
      return { module: JobsModule, providers: [{ provide: JobProducer, useValue: new JobProducer(null) }], exports: [JobProducer] };
    }
    const connection = redisConnectionOptions(runtime.redisUrl, { sentinels: runtime.config.REDIS_SENTINELS, name: runtime.config.REDIS_SENTINEL_NAME });
    const workers = { ...connection, maxRetriesPerRequest: null };
    // spans for jobs added and processed, one trace across them (undefined: tracing off)
    const telemetry = bullmqTelemetry();
    return {
      module: JobsModule,
      imports: [
        BullModule.forRoot({ connection: workers, prefix: runtime.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS, telemetry }),
        ...QUEUES.map((name) => BullModule.registerQueue({ name, connection: workers })),
      ],
      providers: [
        {
          provide: JobProducer,
          inject: QUEUES.map((name) => getQueueToken(name)),
          useFactory: (...registered: Queue[]) => {
            // reconnection is logged by health and metrics, not as a crash
            for (const q of registered) q.on('error', () => undefined);
            const producers = QUEUES.map(
              (name) =>
                new Queue(name, {
                  connection: { ...connection, enableOfflineQueue: false },
                  prefix: runtime.queuePrefix,
                  defaultJobOptions: DEFAULT_JOB_OPTIONS,
                  telemetry,
                }),
            );
            for (const q of producers) q.on('error', () => undefined);
            return new JobProducer(new Map(QUEUES.map((name, i) => [name, producers[i]])));
          },
        },
      ],
      exports: [JobProducer, BullModule],
    };
  }
}
