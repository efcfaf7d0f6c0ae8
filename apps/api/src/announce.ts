import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { seedDemo } from '@libs/demo/seed-demo';
import type { Runtime } from '@libs/core/runtime/runtime';

/** The lines a newcomer needs after `npm start`: where the API is, and what to do on an empty system. */
export async function announce(app: INestApplication, runtime: Runtime, port: number, withWorker: boolean) {
  const log = runtime.logger;
  const dataSource = app.get(DataSource);
  const [{ organisations, credentials }] = await dataSource.query(
    `SELECT (SELECT count(*) FROM organisation)::int AS organisations, (SELECT count(*) FROM api_credential WHERE revoked_at IS NULL)::int AS credentials`,
  );
  if (organisations === 0 && runtime.config.SEED_DEMO === 'true') {
    const seeded = await seedDemo(dataSource, runtime.clock);
    log.info(`loaded the demo set: ${seeded.organisations} organisations`);
  } else if (organisations === 0) {
    log.info('no organisations yet: load the demo set with "npm run seed:demo" (or start with SEED_DEMO=true)');
  }
  if (credentials === 0) {
    log.info('no API credentials yet: mint the first admin token with "npm run cli -- tokens create --role admin --label <your name>"');
  }
  if (!runtime.redisUrl) log.warn('Redis is unavailable: the API serves; reminders and jobs wait until REDIS_URL answers');
  log.info({ url: `http://localhost:${port}/graphql`, worker: withWorker && !!runtime.redisUrl }, `GraphQL API at http://localhost:${port}/graphql`);
}
