import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig, asRole, DEFAULT_APPLICATION_ROLE } from '../config/config';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { startEmbeddedRedis, redisServerOnPath } from '../redis/embedded-redis';
import type { AppLogger } from '../logging/logger';

/** Where the services this process talks to actually are, after the fall-backs of a single-machine start. */
export interface Infrastructure {
  /** What the application connects as. */
  databaseUrl: string;
  /** What migrations, reference data and the application role's grants run as. */
  databaseOwnerUrl: string;
  /** null: no Redis could be found or started; the API serves, reminder delivery waits. */
  redisUrl: string | null;
  stop(): Promise<void>;
}

async function canConnectPostgres(url: string): Promise<boolean> {
  const serverUrl = new URL(url);
  serverUrl.pathname = '/postgres';
  const client = new Client({ connectionString: serverUrl.toString(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function canPingRedis(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Creates the database named in the URL when the server has no such database yet. */
async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const serverUrl = new URL(url);
  serverUrl.pathname = '/postgres';
  const client = new Client({ connectionString: serverUrl.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error) => {
        // another process created it first: 42P04 once it has committed, 23505 (pg_database's unique name) while both are creating it
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export async function prepareInfrastructure(config: AppConfig, logger: AppLogger, options: { redis: boolean } = { redis: true }): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  let databaseUrl = config.databaseUrl;
  let databaseOwnerUrl = config.databaseOwnerUrl;
  if (!config.databaseUrlGiven && config.EMBEDDED_SERVICES === 'true' && !(await canConnectPostgres(databaseOwnerUrl))) {
    const dataDir = join(config.DATA_DIR, 'postgres');
    const embedded = await startEmbeddedPostgres(dataDir, logger);
    databaseOwnerUrl = embedded.url('tracker');
    databaseUrl = asRole(databaseOwnerUrl, DEFAULT_APPLICATION_ROLE);
    stops.push(embedded.stop);
    logger.info(
      { databaseUrl: databaseOwnerUrl, dataDir },
      `PostgreSQL: nothing answered at ${config.databaseOwnerUrl}; started embedded PostgreSQL on 127.0.0.1:${embedded.port} with data in ${dataDir}`,
    );
  }
  await ensureDatabaseExists(databaseOwnerUrl);

  let redisUrl: string | null = options.redis ? config.redisUrl : null;
  if (options.redis && !config.redisUrlGiven && !(await canPingRedis(config.redisUrl))) {
    if (config.EMBEDDED_SERVICES === 'true' && redisServerOnPath()) {
      const dataDir = join(config.DATA_DIR, 'redis');
      const embedded = await startEmbeddedRedis(dataDir);
      redisUrl = embedded.url;
      stops.push(embedded.stop);
      logger.info(
        { redisUrl: embedded.url, dataDir },
        `Redis: nothing answered at ${config.redisUrl}; started redis-server on 127.0.0.1:${embedded.port} with data in ${dataDir}`,
      );
    } else {
      redisUrl = null;
      logger.warn(
        `Redis: nothing answers at ${config.redisUrl} and no redis-server is on PATH; the API serves but reminders wait. Get Redis with "docker compose up -d redis", your OS package (apt-get install redis-server), or set REDIS_URL.`,
      );
    }
  }
  return {
    databaseUrl,
    databaseOwnerUrl,
    redisUrl,
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}
