import { Client } from 'pg';
import Redis from 'ioredis';
import { testServerUrls } from './services';

/** Fails fast, with the fix, when the real services the e2e tests need are not there. */
export default async function globalSetup(): Promise<void> {
  const { postgres, redis } = testServerUrls();
  const client = new Client({ connectionString: postgres, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`e2e tests need PostgreSQL at ${postgres} (set TEST_DATABASE_URL): ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
  const r = new Redis(redis, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (error) {
    throw new Error(`e2e tests need Redis at ${redis} (set TEST_REDIS_URL): ${(error as Error).message}`, { cause: error });
  } finally {
    r.disconnect();
  }
}
