import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import Redis from 'ioredis';
import { testServerUrls } from './services';

const ROOT = join(__dirname, '..', '..');
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
export const CLI_MAIN = join(ROOT, 'dist/apps/cli/src/main.js');

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  data: T;
  errors?: Array<{ message: string; extensions?: Record<string, any>; path?: string[] }>;
  /** SQL statements the request sent, from the x-sql-statements header. */
  statements: number;
}

export interface TestServer {
  url: string;
  /** The schema's owner (a superuser here): the test's own SQL, the CLI and migrations use it. */
  databaseUrl: string;
  /** What the server connects as: a role of its own that may not rewrite the audit trail. */
  appDatabaseUrl: string;
  queuePrefix: string;
  adminToken: string;
  /** The environment the server runs with: a worker started beside it takes the same. */
  env: Record<string, string>;
  output: () => string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GqlResponse<T>>;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

const unique = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} timed out: ${stderr.slice(-500)}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The environment of a child process: only what a test sets, over a clean PATH and HOME. */
export function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // the tests' webhook receivers listen on 127.0.0.1 over plain http: listed as the operator's local receivers
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', WEBHOOK_LOCAL_HOSTS: '127.0.0.1' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Starts the real, built API (with the worker when asked) as a child process, on its own new
 * database and its own Redis key prefix, and mints an admin token through the real CLI.
 */
export async function startServer(
  options: { now?: string; withWorker?: boolean; env?: Record<string, string>; databaseUrl?: string; redisUrl?: string } = {},
): Promise<TestServer> {
  const { postgres, redis } = testServerUrls();
  const name = `tracker_e2e_${unique()}`;
  const dbUrl = new URL(postgres);
  dbUrl.pathname = `/${name}`;
  const databaseUrl = options.databaseUrl ?? dbUrl.toString();
  const appDatabaseUrl = applicationUrl(databaseUrl);
  const queuePrefix = `e2e-${unique()}`;
  const env = baseEnv({
    // migrations as the owner, the server as its own role (created at start-up, dropped with the database)
    DATABASE_OWNER_URL: databaseUrl,
    DATABASE_URL: appDatabaseUrl,
    REDIS_URL: options.redisUrl ?? redis,
    QUEUE_PREFIX: queuePrefix,
    PORT: '0',
    HOST: '127.0.0.1',
    TRACKER_NOW: options.now,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    QUERY_COST_PER_MINUTE: '0',
    // Tests read their own writes' figures at once; the dashboard cache has a test of its own (dashboard.e2e-spec).
    // Statement counts include the credential's read; the credential cache has tests of its own (credentials-door.e2e-spec).
    DASHBOARD_CACHE_MS: '0',
    CREDENTIAL_CACHE_MS: '0',
    ...options.env,
  });
  const child: ChildProcess = spawn(process.execPath, [API_MAIN, ...(options.withWorker ? ['--with-worker'] : [])], { env, cwd: ROOT });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output.slice(-2000)}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL API at (http:\/\/localhost:\d+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output.slice(-2000)}`));
    });
  });

  // a pool, so the test's own reads survive a database restart the test causes
  const pg = new Pool({ connectionString: databaseUrl, max: 4 });
  pg.on('error', () => undefined);
  const cli = (...args: string[]) => runNode(CLI_MAIN, args, baseEnv({ DATABASE_URL: databaseUrl, TRACKER_NOW: options.now }));
  const minted = await cli('tokens', 'create', '--role', 'admin', '--label', 'e2e admin');
  if (minted.code !== 0) throw new Error(`could not mint the admin token: ${minted.stderr}`);
  const adminToken = minted.stdout.trim().split('\n').at(-1)!;

  return {
    url,
    databaseUrl,
    appDatabaseUrl,
    queuePrefix,
    adminToken,
    env: Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'PORT')) as Record<string, string>,
    output: () => output,
    cli,
    async gql(query, variables, token = adminToken) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: any; errors?: GqlResponse['errors'] };
      return {
        status: response.status,
        headers: response.headers,
        data: body.data,
        errors: body.errors,
        statements: Number(response.headers.get('x-sql-statements') ?? NaN),
      };
    },
    async sql(text, params) {
      return (await pg.query(text, params)).rows;
    },
    async stop() {
      await pg.end().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!options.databaseUrl) await dropDatabase(name);
      if (!options.redisUrl) await deleteKeys(redis, queuePrefix);
    },
  };
}

/** A separate worker process on the same database, Redis and prefix as the server. */
export function startWorker(server: TestServer, env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], {
    env: baseEnv({ ...server.env, WORKER_HEALTH_PORT: '0', LOG_LEVEL: 'info', ...env }),
    cwd: ROOT,
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  return Object.assign(child, { output: () => output });
}

/**
 * The application's role for a test database: one per database (roles are cluster-wide), named after
 * it, so that dropDatabase() can drop it too.
 */
export function applicationUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = `${decodeURIComponent(url.pathname.slice(1))}_app`;
  url.password = '';
  return url.toString();
}

/** Drops a test database and the application role named after it. */
export async function dropDatabase(name: string) {
  const admin = new Client({ connectionString: testServerUrls().postgres });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${name}_app"`);
  } finally {
    await admin.end();
  }
}

export async function deleteKeys(redisUrl: string, prefix: string) {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** Unwraps a response that must have succeeded, with the errors in the failure message if not. */
export function ok<T>(response: GqlResponse<T>): T {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

export function errorCode(response: GqlResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
