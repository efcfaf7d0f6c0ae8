import { createServer } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PinoNestLogger } from '../../../libs/core/logging/logger';
import { JobProducer } from '../../../libs/jobs/job-producer';
import { prepareRuntime, runMain } from '../../../libs/boot/boot';
import { WorkerAppModule } from './worker.app.module';

/** BullMQ processors in an application context: no HTTP surface but a health port. */
runMain(async () => {
  const { runtime, infrastructure } = await prepareRuntime('worker');
  if (!runtime.redisUrl) throw new Error('the worker needs Redis: set REDIS_URL, or install redis-server, or run "docker compose up -d redis"');
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(runtime), { logger: new PinoNestLogger(runtime.logger) });
  await app.init();

  const dataSource = app.get(DataSource);
  const jobs = app.get(JobProducer);
  const health = createServer(async (req, res) => {
    if (req.url === '/health/live') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (req.url === '/health/ready') {
      try {
        await dataSource.query('SELECT 1');
        await jobs.allQueues()[0].getJobCounts('waiting');
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } catch (error) {
        return res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', error: (error as Error).message }));
      }
    }
    res.writeHead(404).end();
  });
  health.listen(runtime.config.WORKER_HEALTH_PORT, runtime.config.HOST);
  runtime.logger.info(`worker running; health on :${runtime.config.WORKER_HEALTH_PORT}/health/ready`);

  const stop = async () => {
    health.close();
    await app.close(); // BullMQ workers finish the job in hand; unfinished jobs return to the queue when their lock lapses
    await infrastructure.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});
