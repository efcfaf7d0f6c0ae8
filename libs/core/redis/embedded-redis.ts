import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../net/free-port';

export interface EmbeddedRedisHandle {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `redis-server` from PATH on a free port with its data in `dataDir`. noeviction, because BullMQ
 * keeps jobs as keys: an evicting Redis would silently drop acknowledged work.
 */
export async function startEmbeddedRedis(dataDir: string, port?: number, extraArgs: string[] = []): Promise<EmbeddedRedisHandle> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const chosenPort = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(chosenPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((ready, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start: ${output.slice(-500)}`)), 15000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const stop = () =>
    new Promise<void>((stopped) => {
      if (child.exitCode !== null || child.signalCode !== null) return stopped();
      child.once('exit', () => stopped());
      child.kill('SIGTERM');
    });
  process.once('exit', () => child.kill('SIGTERM'));
  return { url: `redis://127.0.0.1:${chosenPort}`, port: chosenPort, process: child, stop };
}
