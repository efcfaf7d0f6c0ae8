import './instrument';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger } from '@libs/core/logging/logger';
import { HealthChecks } from '@libs/metrics/health.checks';
import { onShutdown, prepareRuntime, runMain } from '@libs/boot/boot';
import { stopTracing } from '@libs/core/tracing/tracing';
import { WorkerAppModule } from './worker.app.module';
import { serveHealth } from './health-server';

/** BullMQ processors in an application context: no HTTP surface but a health port. */
runMain(async () => {
  const { runtime, infrastructure } = await prepareRuntime('worker');
  if (!runtime.redisUrl) throw new Error('the worker needs Redis: set REDIS_URL, or install redis-server, or run "docker compose up -d redis"');
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(runtime), { logger: new PinoNestLogger(runtime.logger) });
  await app.init();

  const health = await serveHealth(app.get(HealthChecks), runtime.config.WORKER_HEALTH_PORT, runtime.config.HOST);
  const address = health.address();
  const port = typeof address === 'object' && address ? address.port : runtime.config.WORKER_HEALTH_PORT;
  runtime.logger.info(`worker running; health on :${port}/health/ready`);

  onShutdown(runtime, async () => {
    health.close();
    await app.close(); // BullMQ workers finish the job in hand; unfinished jobs return to the queue when their lock lapses
    await infrastructure.stop();
    await stopTracing();
  });
});
