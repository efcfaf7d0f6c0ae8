import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@migrations/index';
import { QueryCountingLogger } from './query-counter.logger';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import type { AppLogger } from '../logging/logger';

export interface PoolSettings {
  /** Read replicas (TypeORM replication): only reads that ask for one go there. */
  readUrls?: string[];
  poolMax?: number;
  /**
   * Sent to PostgreSQL with each new connection (0 or unset: none). A statement that runs too long, a
   * wait for a lock and a transaction left idle are cut off by the server, which frees the connection
   * whatever the process holding it does.
   */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}

/** node-postgres sends these as start-up parameters; 0 is PostgreSQL's "none" and is left out. */
function serverLimits(pool: PoolSettings): Record<string, number> {
  const limits: Record<string, number> = {};
  if (pool.statementTimeoutMs) limits.statement_timeout = pool.statementTimeoutMs;
  if (pool.lockTimeoutMs) limits.lock_timeout = pool.lockTimeoutMs;
  if (pool.idleInTransactionTimeoutMs) limits.idle_in_transaction_session_timeout = pool.idleInTransactionTimeoutMs;
  return limits;
}

export function dataSourceOptions(url: string, logger?: AppLogger, pool: PoolSettings = {}): DataSourceOptions {
  const readUrls = pool.readUrls ?? [];
  return {
    type: 'postgres',
    // defaultMode 'master': TypeORM otherwise sends every find() and query builder SELECT outside a
    // transaction to a replica, so a write's own answer (an edited programme, a new credential) could be
    // read back from a replica that has not replayed it yet. Only createQueryRunner('slave') goes there.
    ...(readUrls.length ? { replication: { master: { url }, slaves: readUrls.map((u) => ({ url: u })), defaultMode: 'master' as const } } : { url }),
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    // Every statement goes through the logger, which counts it against the current request.
    logging: ['query', 'error', 'warn'],
    logger: new QueryCountingLogger(logger),
    maxQueryExecutionTime: 1000,
    extra: { max: pool.poolMax ?? 20, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000, application_name: 'tracker', ...serverLimits(pool) },
  };
}

const MIGRATION_LOCK = 727_2024; // pg_advisory_lock key: one process migrates at a time

/**
 * Applies pending migrations under an advisory lock, so an API and a worker starting together do not race.
 * Its connection has no server limits: a migration may rewrite a large table, and a process waits here
 * for another's migrations as long as they take.
 */
export async function migrate(url: string, logger?: AppLogger, after?: (ds: DataSource) => Promise<void>): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, logger), logging: ['error'] });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (after) await after(dataSource);
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
