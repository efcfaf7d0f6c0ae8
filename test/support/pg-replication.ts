import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@libs/core/net/free-port';

// Debian's PostgreSQL 15 (pg_basebackup -R writes standby.signal and primary_conninfo); PG_BIN overrides
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** The postgres OS user when the tests run as root (PostgreSQL refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0) throw new Error('running as root needs a postgres user for the test PostgreSQL');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * One postgres server process on a free port whose stderr log (every statement, log_statement=all) is
 * kept: `log.mark()` and `log.since(mark)` give what it ran between two moments.
 */
function server(dir: string, data: string, port: number, user: ReturnType<typeof postgresUser>) {
  let child: ChildProcess | null = null;
  let text = '';
  const start = async () => {
    child = spawn(
      join(BIN, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'log_statement=all',
        '-c',
        'log_line_prefix=%m [%p] %d ',
        '-c',
        'max_connections=100',
      ],
      { ...user, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      const started = text.length;
      const timer = setTimeout(() => reject(new Error(`postgres did not start: ${text.slice(started)}`)), 30_000);
      child!.stderr!.on('data', (c) => {
        text += c;
        if (text.slice(started).includes('ready to accept')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited ${code}: ${text.slice(started)}`));
      });
    });
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGINT'); // fast shutdown
    await exited;
  };
  return {
    port,
    url: (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start,
    stop,
    log: { mark: () => text.length, since: (mark: number) => text.slice(mark) },
    async sql<T = any>(db: string, statement: string, params: unknown[] = []): Promise<T[]> {
      const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${db}`, connectionTimeoutMillis: 3000 });
      await client.connect();
      try {
        return (await client.query(statement, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A primary and a hot standby streaming from it, each on a free port, from the machine's PostgreSQL
 * binaries, with their data under one temporary directory that `destroy()` removes.
 */
export async function startPrimaryAndStandby() {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-replica-'));
  chmodSync(dir, 0o755);
  const user = postgresUser();
  if ('uid' in user) chownSync(dir, user.uid, user.gid);
  const primaryData = join(dir, 'primary');
  const standbyData = join(dir, 'standby');
  // initdb's pg_hba.conf with --auth=trust lets 127.0.0.1 connect for replication too
  const init = spawnSync(join(BIN, 'initdb'), ['-D', primaryData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], {
    ...user,
    cwd: dir,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const primary = server(dir, primaryData, await freePort(), user);
  await primary.start();
  const backup = spawnSync(
    join(BIN, 'pg_basebackup'),
    ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', standbyData, '-R', '-X', 'stream', '-c', 'fast'],
    { ...user, cwd: dir, encoding: 'utf8', timeout: 60_000 },
  );
  if (backup.status !== 0) {
    await primary.stop();
    throw new Error(`pg_basebackup failed: ${backup.stderr}`);
  }
  const standby = server(dir, standbyData, await freePort(), user);
  await standby.start();

  return {
    primary,
    standby,
    /** Waits until the standby has replayed everything the primary had written when called. */
    async caughtUp(db: string, timeoutMs = 20_000) {
      const [{ lsn }] = await primary.sql(db, 'SELECT pg_current_wal_lsn()::text AS lsn');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [{ behind }] = await standby.sql(db, 'SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()) > 0 AS behind', [lsn]);
        if (!behind) return;
        if (Date.now() > deadline) throw new Error(`the standby did not reach ${lsn}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async destroy() {
      await standby.stop();
      await primary.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
