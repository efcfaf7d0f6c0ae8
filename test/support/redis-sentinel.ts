import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '@libs/core/net/free-port';
import { EmbeddedRedisHandle, startEmbeddedRedis } from '@libs/core/redis/embedded-redis';

const SENTINEL_MASTER = 'mymaster';

/** A redis-server in sentinel mode, ready once it monitors the master. */
async function startSentinel(dir: string, masterPort: number): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const conf = join(dir, `sentinel-${port}.conf`);
  // Sentinel rewrites its configuration file as it learns the group: each one needs a writable file of its own
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'daemonize no',
      `dir ${dir}`,
      `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
      `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
      `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
    ].join('\n') + '\n',
  );
  const child = spawn('redis-server', [conf, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ready, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`sentinel did not start: ${output.slice(-500)}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('+monitor master')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`sentinel exited with ${code}: ${output.slice(-500)}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { port, process: child };
}

/**
 * A Sentinel group of the test's own on free ports: a master, one replica and three sentinels (quorum
 * 2, a master is down after 1 s of silence), their data under one temporary directory.
 */
export async function startSentinelGroup() {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-sentinel-'));
  const masterDir = join(dir, 'master');
  const replicaDir = join(dir, 'replica');
  mkdirSync(masterDir);
  mkdirSync(replicaDir);
  const master: EmbeddedRedisHandle = await startEmbeddedRedis(masterDir);
  const replica: EmbeddedRedisHandle = await startEmbeddedRedis(replicaDir, undefined, ['--replicaof', '127.0.0.1', String(master.port)]);
  const sentinels: Array<{ port: number; process: ChildProcess }> = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(dir, master.port));

  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.call(args[0], ...args.slice(1))) as T;
    } finally {
      client.disconnect();
    }
  };
  const sentinelView = async (port: number) => {
    const flat = await ask<string[]>(port, 'SENTINEL', 'MASTER', SENTINEL_MASTER);
    return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]])));
  };

  return {
    master,
    replica,
    sentinels,
    /** For REDIS_SENTINELS. */
    addresses: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    /** Every sentinel knows the replica and the two other sentinels, and the replica is in sync. */
    async formed(): Promise<boolean> {
      const views = await Promise.all(sentinels.map((s) => sentinelView(s.port)));
      const info = await ask<string>(replica.port, 'INFO', 'replication');
      return views.every((v) => v['num-slaves'] === '1' && v['num-other-sentinels'] === '2') && info.includes('master_link_status:up');
    },
    /** The master's port as each sentinel names it. */
    async masterPorts(): Promise<number[]> {
      return Promise.all(sentinels.map(async (s) => Number((await ask<string[]>(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER))[1])));
    },
    /** ROLE as a server says it: master or slave. */
    role: async (port: number) => (await ask<unknown[]>(port, 'ROLE'))[0] as string,
    async destroy() {
      for (const s of sentinels) if (s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGTERM');
      await replica.stop();
      await master.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
