#!/usr/bin/env node
/**
 * Side-by-side benchmark: our API, PostGraphile 5 and raw SQL over the same national-scale database,
 * then the reminder planner, delivery throughput and Redis memory per pending delivery, then two API
 * processes and two workers. Prints one markdown table, writes bench/results/<time>-<scale>.{json,md}
 * and keeps the latest table in bench/README.md.
 *
 *   npm run bench                                   # 200,000 organisations, every scenario
 *   npm run bench -- --scale 5000 --only summary,list --duration 3   # a quick check
 *
 * Options: --scale N (organisations; the data set is generated once into tracker_bench_N and reused),
 * --only a,b (summary, list, organisation, self-report, planner, delivery, redis, scale-out),
 * --duration S (timed seconds per run, default 10), --warmup S (default 3), --connections N (reads, default 10),
 * --deliveries N (default 20000), --workers 1,2 (the delivery's worker counts; default 1, and 2 with scale-out),
 * --worker-env K=V,K=V (settings for the delivery's workers, such as DELIVERY_CONCURRENCY=64), --database NAME (default tracker_bench_N), --results DIR (default bench/results),
 * --drop-data (drop the database after the run), --no-readme (do not touch bench/README.md).
 */
const { createHash, randomBytes } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const { join } = require('node:path');
const { Pool } = require('pg');
const IORedis = require('ioredis');
const { Queue } = require('bullmq');
const { httpLoad, pgLoad } = require('./lib/load');
const { countingProxy } = require('./lib/pg-count-proxy');
const { ROOT, startApi, startWorker, startPostgraphile } = require('./lib/processes');
const { DASHBOARD_QUESTIONS, SUMMARY, LIST, ORGANISATION, SELF_REPORT } = require('./scenarios');

const ALL = ['summary', 'list', 'organisation', 'self-report', 'planner', 'delivery', 'redis', 'scale-out'];
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const SCALE = Number(opt('scale', 200000));
const ONLY = new Set(
  opt('only', ALL.join(','))
    .split(',')
    .map((s) => s.trim()),
);
const DURATION = Number(opt('duration', 10));
const WARMUP = Number(opt('warmup', 3));
const CONNECTIONS = Number(opt('connections', 10));
const DELIVERIES = Math.min(Number(opt('deliveries', 20000)), SCALE * 4);
const WORKERS = opt('workers', ONLY.has('scale-out') ? '1,2' : '1')
  .split(',')
  .map(Number);
if (!WORKERS.every((n) => Number.isInteger(n) && n >= 1 && n <= 8)) throw new Error('--workers takes worker counts from 1 to 8, such as 1,2');
const WORKER_ENV = Object.fromEntries(
  (opt('worker-env', '') || '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
if (Object.keys(WORKER_ENV).some((k) => !/^[A-Z_][A-Z0-9_]*$/.test(k))) throw new Error('--worker-env takes NAME=value pairs, comma-separated');
const POOL_MAX = 20; // our API's pool size (libs/core/database/data-source.ts); PostGraphile gets the same
const PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DB_NAME = opt('database', `tracker_bench_${SCALE}`);
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(DB_NAME)) throw new Error(`--database must be a plain database name, not "${DB_NAME}"`);
const RESULTS = opt('results', join(__dirname, 'results'));
const DATABASE_URL = `${PG}/${DB_NAME}`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `bench-${process.pid}`;
const log = (s) => process.stderr.write(`${s}\n`);
const round = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

const rows = []; // the table
const extra = {}; // planner, delivery, redis figures

async function ensureData() {
  const admin = new Pool({ connectionString: `${PG}/postgres`, max: 1 });
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount > 0;
  let ready = false;
  if (exists) {
    const p = new Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      const [{ n }] = (await p.query('SELECT count(*)::int AS n FROM organisation_status')).rows;
      ready = n === SCALE;
    } catch {
      ready = false;
    }
    await p.end();
    if (!ready) await admin.query(`DROP DATABASE ${DB_NAME}`);
  }
  if (!ready) {
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
    log(`generating ${SCALE.toLocaleString('en-US')} organisations into ${DB_NAME} (once; later runs reuse it)`);
    const r = spawnSync(process.execPath, [join(__dirname, 'data', 'generate.js'), '--organisations', String(SCALE), '--database', DATABASE_URL], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('data generation failed');
  } else {
    log(`reusing ${DB_NAME} (${SCALE.toLocaleString('en-US')} organisations)`);
  }
  await admin.end();
}

const tokenHash = (t) => createHash('sha256').update(t).digest();

/** Bench credentials straight into the table (the CLI would do the same, one process per token). */
async function credentials(pool, reporterCount) {
  await pool.query(`DELETE FROM api_credential WHERE created_by = 'bench'`);
  const adminToken = `ktt_${randomBytes(32).toString('base64url')}`;
  await pool.query(
    `INSERT INTO api_credential (label, role, token_hash, token_prefix, created_at, created_by) VALUES ('bench admin', 'admin', $1, $2, now(), 'bench')`,
    [tokenHash(adminToken), adminToken.slice(0, 8)],
  );
  const reporters = (
    await pool.query(
      `SELECT DISTINCT ON (o.id) o.id AS organisation_id, f.id AS footprint_id, f.version, f.endpoint_count
     FROM organisation o JOIN footprint f ON f.organisation_id = o.id
     WHERE o.id IN (SELECT id FROM organisation ORDER BY md5(id::text) LIMIT $1) ORDER BY o.id, f.id`,
      [reporterCount],
    )
  ).rows;
  const tokens = reporters.map(() => `ktt_${randomBytes(32).toString('base64url')}`);
  await pool.query(
    `INSERT INTO api_credential (label, role, organisation_id, token_hash, token_prefix, created_at, created_by)
     SELECT 'bench reporter', 'reporter', o, h, left(p, 8), now(), 'bench' FROM unnest($1::uuid[], $2::bytea[], $3::text[]) AS t(o, h, p)`,
    [reporters.map((r) => r.organisation_id), tokens.map(tokenHash), tokens],
  );
  return {
    adminToken,
    reporters: reporters.map((r, i) => ({
      organisationId: r.organisation_id,
      footprintId: r.footprint_id,
      version: r.version,
      count: r.endpoint_count,
      token: tokens[i],
    })),
  };
}

async function gql(url, query, variables, token) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await r.json();
  if (r.status !== 200 || body.errors) throw new Error(`${url}: ${r.status} ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return { data: body.data, statements: Number(r.headers.get('x-sql-statements') ?? NaN) };
}

function addRow(scenario, server, r, statements, note = '') {
  rows.push({
    scenario,
    server,
    rps: round(r.rps, 0),
    p50: round(r.p50),
    p95: round(r.p95),
    p99: round(r.p99),
    statements,
    errors: r.errors,
    requests: r.requests,
    note,
  });
  log(
    `  ${scenario} · ${server}: ${round(r.rps, 0)} req/s, p50 ${round(r.p50)} ms, p95 ${round(r.p95)} ms, p99 ${round(r.p99)} ms, ${statements} SQL/request, ${r.errors} errors`,
  );
}

const sameish = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-6 * Math.max(1, Math.abs(x)));

async function readScenario(name, spec, ctx, { variables, sqlParams, check, uncached = false }) {
  log(`${name}`);
  const auth = { authorization: `Bearer ${ctx.adminToken}` };
  // One answer from each, compared, with statement counts.
  const v0 = variables ? variables(0) : undefined;
  // Statements are counted on a second request: the first of a process also fills its caches.
  await gql(ctx.api.graphql, spec.ours, v0?.ours, ctx.adminToken);
  const ours = await gql(ctx.api.graphql, spec.ours, v0?.ours, ctx.adminToken);
  await gql(ctx.countingPostgraphile.graphql, spec.postgraphile, v0?.postgraphile);
  ctx.proxy.take();
  const pgl = await gql(ctx.countingPostgraphile.graphql, spec.postgraphile, v0?.postgraphile);
  const pglStatements = ctx.proxy.take();
  const raw = (await ctx.pool.query(spec.sql, sqlParams ? sqlParams(0) : [])).rows;
  check(ours.data, pgl.data, raw);

  const body = (query, vars) => JSON.stringify({ query, variables: vars });
  const requests = (which) =>
    variables
      ? [
          {
            setupRequest: (req, context) => {
              context.i = (context.i ?? Math.floor(Math.random() * 1e6)) + 1;
              return { ...req, body: body(spec[which], variables(context.i)[which]) };
            },
          },
        ]
      : undefined;
  const load = (url, which, headers) =>
    httpLoad({
      urls: url,
      headers,
      body: variables ? undefined : body(spec[which]),
      requests: requests(which),
      connections: CONNECTIONS,
      duration: DURATION,
      warmup: WARMUP,
    });
  const results = {};
  results.ours = await load(ctx.api.graphql, 'ours', auth);
  addRow(
    name,
    'ours',
    results.ours,
    ours.statements,
    uncached ? `cache on: served from the ${ctx.env.DASHBOARD_CACHE_MS ?? 5000} ms aggregate cache (DASHBOARD_CACHE_MS)` : '',
  );
  if (uncached) {
    // The same question with the cache off: what each poll would cost if every one went to PostgreSQL.
    const bare = await startApi(ctx.env, { DASHBOARD_CACHE_MS: '0' });
    try {
      await gql(bare.graphql, spec.ours, undefined, ctx.adminToken);
      const first = await gql(bare.graphql, spec.ours, undefined, ctx.adminToken);
      results.oursUncached = await load(bare.graphql, 'ours', auth);
      addRow(
        name,
        'ours, cache off',
        results.oursUncached,
        first.statements,
        'DASHBOARD_CACHE_MS=0: every request adds up the cells PostgreSQL keeps (migration 0028)',
      );
      // every other dashboard question, on the same API with the cache off (ours alone: PostGraphile has no such questions)
      for (const question of DASHBOARD_QUESTIONS) {
        const once = await gql(bare.graphql, question.query, undefined, ctx.adminToken);
        const r = await httpLoad({
          urls: bare.graphql,
          headers: auth,
          body: body(question.query),
          connections: CONNECTIONS,
          duration: DURATION,
          warmup: WARMUP,
        });
        addRow(`dashboard: ${question.name}`, 'ours, cache off', r, once.statements, 'an admin; DASHBOARD_CACHE_MS=0');
      }
    } finally {
      await bare.stop();
    }
  }
  results.postgraphile = await load(ctx.postgraphile.graphql, 'postgraphile', {});
  addRow(name, 'PostGraphile 5', results.postgraphile, pglStatements);
  results.sql = await pgLoad({
    pool: ctx.pool,
    concurrency: CONNECTIONS,
    duration: DURATION,
    warmup: WARMUP,
    run: (p, i) => p.query(spec.sql, sqlParams ? sqlParams(i) : []),
  });
  addRow(name, 'raw SQL (pg)', results.sql, 1);
  return results;
}

const remainingFor = (r) => Math.floor(Math.random() * (r.count + 1));

/**
 * Requests cut off at the end of a run may have been applied without their answer being read: the
 * versions are read again before every timed run, so a run never starts with stale versions.
 */
async function refreshVersions(ctx) {
  // A request cut off by the end of a run may still be committing on the server: let it land first.
  await new Promise((r) => setTimeout(r, 500));
  const current = new Map(
    (await ctx.pool.query('SELECT id, version FROM footprint WHERE id = ANY($1::uuid[])', [ctx.reporters.map((r) => r.footprintId)])).rows.map((r) => [
      r.id,
      r.version,
    ]),
  );
  for (const r of ctx.reporters) r.version = current.get(r.footprintId);
}

/**
 * The next organisation to self-report, skipping any whose last self-report has not answered yet: two
 * writes in flight for one row would carry the same version, and one would be refused as a conflict (a
 * stalled request on a loaded machine let the round come back to it at small scales).
 */
function nextReporter(ctx) {
  ctx.inFlight = ctx.inFlight ?? new Set();
  for (let i = 0; i < ctx.reporters.length; i++) {
    ctx.reporterIndex = ((ctx.reporterIndex ?? -1) + 1) % ctx.reporters.length;
    const r = ctx.reporters[ctx.reporterIndex];
    if (!ctx.inFlight.has(r)) {
      ctx.inFlight.add(r);
      return r;
    }
  }
  throw new Error('every reporter has a self-report in flight: more connections than organisations');
}
const reporterDone = (ctx, r) => ctx.inFlight?.delete(r);

/** Self-reports over HTTP, each to the next organisation of the 2,000 with a reporter token, versions carried from answer to request. */
async function selfReportLoad(ctx, urls, which, concurrency) {
  ctx.inFlight = new Set();
  let graphqlErrors = 0;
  const requests = [
    {
      setupRequest: (req, context) => {
        const r = nextReporter(ctx);
        context.r = r;
        const vars = SELF_REPORT[`${which}Variables`]({ ...r, remaining: remainingFor(r) });
        return {
          ...req,
          headers: { ...req.headers, ...(which === 'ours' ? { authorization: `Bearer ${r.token}` } : {}) },
          body: JSON.stringify({ query: SELF_REPORT[which], variables: vars }),
        };
      },
      onResponse: (status, body, context) => {
        reporterDone(ctx, context.r);
        try {
          const parsed = JSON.parse(body);
          if (parsed.errors) graphqlErrors += 1;
          else context.r.version = SELF_REPORT[`${which}Version`](parsed.data);
        } catch {
          graphqlErrors += 1;
        }
      },
    },
  ];
  await refreshVersions(ctx);
  const beforeTimed = async () => {
    await refreshVersions(ctx);
    graphqlErrors = 0;
  };
  const r = await httpLoad({ urls, headers: {}, requests, connections: concurrency, duration: DURATION, warmup: WARMUP, beforeTimed });
  return { ...r, errors: r.errors + graphqlErrors };
}

async function selfReportScenario(ctx, concurrency) {
  const name = `self-report c${concurrency}`;
  log(name);
  // Statement counts from one write each.
  await refreshVersions(ctx);
  const one = ctx.reporters[0];
  const o = await gql(ctx.api.graphql, SELF_REPORT.ours, SELF_REPORT.oursVariables({ ...one, remaining: remainingFor(one) }), one.token);
  one.version = SELF_REPORT.oursVersion(o.data);
  ctx.proxy.take();
  await gql(ctx.countingPostgraphile.graphql, SELF_REPORT.postgraphile, SELF_REPORT.postgraphileVariables({ ...one, remaining: remainingFor(one) }));
  const pglStatements = ctx.proxy.take();

  const results = {};
  results.ours = await selfReportLoad(ctx, ctx.api.graphql, 'ours', concurrency);
  addRow(name, 'ours', results.ours, o.statements, 'version-checked write, audit, status re-derived, reminders re-planned');
  results.postgraphile = await selfReportLoad(ctx, ctx.postgraphile.graphql, 'postgraphile', concurrency);
  addRow(name, 'PostGraphile 5', results.postgraphile, pglStatements, 'SQL function: version-checked write, audit');
  await refreshVersions(ctx);
  ctx.inFlight = new Set();
  results.sql = await pgLoad({
    pool: ctx.pool,
    concurrency,
    duration: DURATION,
    warmup: WARMUP,
    beforeTimed: () => refreshVersions(ctx),
    run: async (pool) => {
      const r = nextReporter(ctx);
      try {
        const res = await pool.query(SELF_REPORT.sql, [r.organisationId, r.footprintId, r.version, remainingFor(r)]);
        r.version = res.rows[0].version;
      } finally {
        reporterDone(ctx, r);
      }
    },
  });
  addRow(name, 'raw SQL (pg)', results.sql, 1, 'the same SQL function, called directly');
  return results;
}

/** The planner through the CLI (the same code the worker's quarter-hourly job runs), timed by its own clock. */
function planOnce(ctx) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), 'reminders', 'plan'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'error', DATABASE_URL, TRACKER_NOW: ctx.now.toISOString() },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const m = /(\d+) organisations, (\d+) deliveries planned, (\d+) new, \d+ cancelled \(complete\) in ([\d.]+) s/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`reminders plan failed: ${r.stdout}${r.stderr}`);
  return { organisations: Number(m[1]), planned: Number(m[2]), inserted: Number(m[3]), seconds: Number(m[4]) };
}

async function plannerScenario(ctx) {
  log('planner');
  await ctx.pool.query(`DELETE FROM reminder_delivery`);
  await ctx.pool.query(`DELETE FROM reminder_control`);
  // every organisation due, as at a stage boundary (an earlier run on this data set stored when each is due next;
  // the planner's marks are in organisation_plan, migration 0061)
  await ctx.pool.query(`UPDATE organisation_plan SET plan_due_at = NULL`);
  await ctx.pool.query(`VACUUM reminder_delivery`);
  const first = planOnce(ctx);
  const again = planOnce(ctx);
  // what a recipient gets per organisation and stage: one message, its lagging milestones listed inside
  const [{ most }] = (
    await ctx.pool.query(
      `SELECT coalesce(max(n), 0)::int AS most FROM (SELECT count(*) AS n FROM reminder_delivery GROUP BY organisation_id, programme_id, stage, recipient, channel) x`,
    )
  ).rows;
  extra.planner = {
    organisations: first.organisations,
    planned: first.planned,
    inserted: first.inserted,
    seconds: round(first.seconds, 2),
    perSecond: round(first.inserted / first.seconds, 0),
    rerunSeconds: round(again.seconds, 2),
    rerunInserted: again.inserted,
    perRecipientStage: most,
  };
  log(
    `  planned ${first.inserted.toLocaleString('en-US')} deliveries for ${first.organisations.toLocaleString('en-US')} organisations in ${first.seconds} s; re-run ${again.seconds} s, ${again.inserted} new`,
  );
  await ctx.pool.query(`DELETE FROM reminder_delivery`);
}

/** Redis memory a pending delivery costs: N jobs exactly as the relay adds them, in a scratch queue. */
async function redisScenario() {
  log('redis memory per pending delivery');
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('reminder-delivery-memory', { connection, prefix: QUEUE_PREFIX });
  const used = async () => Number(/used_memory:(\d+)/.exec(await connection.info('memory'))[1]);
  const n = 20000;
  const before = await used();
  for (let i = 0; i < n; i += 1000) {
    await queue.addBulk(
      Array.from({ length: 1000 }, (_, k) => ({
        name: 'deliver-reminder',
        data: { deliveryId: String(1_000_000 + i + k) },
        opts: {
          jobId: `delivery-${1_000_000 + i + k}`,
          attempts: 8,
          backoff: { type: 'exponential', delay: 30_000 },
          removeOnComplete: { count: 1000, age: 604800 },
          removeOnFail: false,
        },
      })),
    );
  }
  const after = await used();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  extra.redis = { jobs: n, bytesPerDelivery: Math.round((after - before) / n), megabytesPerMillion: round((((after - before) / n) * 1e6) / 1048576, 0) };
  log(`  ${extra.redis.bytesPerDelivery} bytes per pending delivery (${extra.redis.megabytesPerMillion} MB per million)`);
}

function receiver() {
  const seen = new Set();
  let duplicates = 0;
  let last = 0;
  const server = http.createServer((req, res) => {
    const id = req.headers['x-tracker-delivery'];
    req.resume();
    req.on('end', () => {
      if (seen.has(id)) duplicates += 1;
      else seen.add(id);
      last = Date.now();
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hook`,
        received: () => seen.size,
        duplicates: () => duplicates,
        last: () => last,
        reset: () => {
          seen.clear();
          duplicates = 0;
        },
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

async function deliveryRun(ctx, workers, hook) {
  await ctx.pool.query(`DELETE FROM reminder_delivery`);
  await ctx.pool.query(`VACUUM ANALYZE reminder_delivery`); // a fresh table with fresh statistics, as after the planner's first run
  hook.reset();
  const started = [];
  // Production workers run on the real clock (no TRACKER_NOW): the rows are due in the past either way.
  const { TRACKER_NOW: _simulated, ...realTime } = ctx.env;
  for (let i = 0; i < workers; i++) started.push(await startWorker(realTime, { RELAY_IDLE_MS: '100', ...WORKER_ENV }));
  // The workers register the quarter-hourly planner and the hourly refresh: take them off for the run.
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  for (const [q, id] of [
    ['reminders', 'plan-reminders'],
    ['maintenance', 'refresh-statuses-hourly'],
  ]) {
    const queue = new Queue(q, { connection, prefix: QUEUE_PREFIX });
    await queue.removeJobScheduler(id);
    await queue.close();
  }
  await connection.quit();
  const programme = (await ctx.pool.query(`SELECT id, name, updates_cutoff FROM programme WHERE key = 'kaspersky-2024'`)).rows[0];
  const payload = {
    kind: 'STAGE',
    programme: { name: programme.name, cutoff: programme.updates_cutoff.toISOString() },
    stage: 'T-7',
    level: 2,
    lagging: ['footprint'],
    organisation: { id: ctx.reporters[0].organisationId, name: 'Bench organisation', externalKey: 'NAT-0', sector: 'ENERGY', status: 'AT_RISK' },
  };
  // the receiver is the organisation's primary contact's webhook, with its own signing secret (the sender looks it up per send)
  await ctx.pool.query(
    `WITH c AS (SELECT id FROM contact WHERE organisation_id = $1 AND role = 'PRIMARY' LIMIT 1),
     p AS (INSERT INTO notification_preference (contact_id, email_enabled, webhook_url, updated_at) SELECT id, false, $2, now() FROM c
           ON CONFLICT (contact_id) DO UPDATE SET webhook_url = $2 RETURNING contact_id)
     INSERT INTO webhook_secret (contact_id, secret, issued_at) SELECT contact_id, $3, now() FROM p ON CONFLICT (contact_id) DO UPDATE SET secret = $3`,
    [ctx.reporters[0].organisationId, hook.url, `whsec_${randomBytes(32).toString('base64')}`],
  );
  const t0 = Date.now();
  await ctx.pool.query(
    `INSERT INTO reminder_delivery (subject_key, organisation_id, programme_id, stage, level, recipient, recipient_name, recipient_role, channel, time_zone, payload, due_at, created_at)
     SELECT 'bench-' || g, $1, $2, 'T-7', 2, $3, 'Bench receiver', 'PRIMARY', 'WEBHOOK', 'America/New_York', $4, $5::timestamptz - interval '1 minute', now()
     FROM generate_series(1, $6) g`,
    [ctx.reporters[0].organisationId, programme.id, hook.url, payload, ctx.now, DELIVERIES],
  );
  const until = Date.now() + 600_000;
  let sent = 0;
  while (Date.now() < until) {
    sent = (await ctx.pool.query(`SELECT count(*)::int AS n FROM reminder_delivery WHERE state = 'SENT'`)).rows[0].n;
    if (sent >= DELIVERIES) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - t0) / 1000;
  const failed = (await ctx.pool.query(`SELECT count(*)::int AS n FROM reminder_delivery WHERE state = 'FAILED'`)).rows[0].n;
  for (const w of started) await w.stop();
  return {
    workers,
    deliveries: DELIVERIES,
    sent,
    failed,
    received: hook.received(),
    duplicates: hook.duplicates(),
    seconds: round(seconds, 2),
    perSecond: round(sent / seconds, 0),
  };
}

async function deliveryScenario(ctx, workerCounts) {
  const hook = await receiver();
  extra.delivery = extra.delivery ?? [];
  for (const workers of workerCounts) {
    log(`delivery: ${DELIVERIES.toLocaleString('en-US')} webhooks, ${workers} worker process(es)`);
    const r = await deliveryRun(ctx, workers, hook);
    extra.delivery.push(r);
    log(`  ${r.sent} sent (${r.received} received, ${r.duplicates} duplicates, ${r.failed} failed) in ${r.seconds} s: ${r.perSecond} messages/s`);
  }
  await hook.close();
  await ctx.pool.query(`DELETE FROM reminder_delivery`);
}

async function scaleOut(ctx) {
  log('scale-out: two API processes against one database and one Redis');
  const second = await startApi(ctx.env);
  try {
    const auth = { authorization: `Bearer ${ctx.adminToken}` };
    const body = JSON.stringify({ query: SUMMARY.ours });
    const two = await httpLoad({ urls: [ctx.api.graphql, second.graphql], headers: auth, body, connections: CONNECTIONS, duration: DURATION, warmup: WARMUP });
    addRow('summary by sector', 'ours ×2 processes', two, NaN);
    const w = await selfReportLoad(ctx, [ctx.api.graphql, second.graphql], 'ours', 32);
    addRow('self-report c32', 'ours ×2 processes', w, NaN);
  } finally {
    await second.stop();
  }
}

function ratio(a, b) {
  return a && b ? `${(a / b).toFixed(2)}×` : '–';
}

function table(meta) {
  const out = [];
  out.push(
    `Run ${meta.at} on ${meta.machine}; ${meta.scale.toLocaleString('en-US')} organisations (${meta.data}); ${DURATION} s timed after ${WARMUP} s warm-up per run; reads at ${CONNECTIONS} connections.`,
  );
  out.push('');
  out.push('| scenario | server | req/s | p50 ms | p95 ms | p99 ms | SQL/req | ours ÷ PostGraphile | ours ÷ raw SQL | errors | what it does |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const byScenario = new Map();
  for (const r of rows) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  for (const [scenario, list] of byScenario) {
    const pgl = list.find((r) => r.server === 'PostGraphile 5');
    const raw = list.find((r) => r.server === 'raw SQL (pg)');
    for (const r of list) {
      const isOurs = r.server === 'ours' || r.server === 'ours, cache off';
      out.push(
        `| ${scenario} | ${r.server} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${Number.isNaN(r.statements) ? '–' : r.statements} | ${isOurs ? ratio(r.rps, pgl?.rps) : ''} | ${isOurs ? ratio(r.rps, raw?.rps) : ''} | ${r.errors} | ${r.note} |`,
      );
    }
  }
  if (extra.planner) {
    const p = extra.planner;
    out.push('');
    out.push(
      `Planner (scenario 5) at T-7: ${p.organisations.toLocaleString('en-US')} organisations, ${p.inserted.toLocaleString('en-US')} deliveries written to the outbox in **${p.seconds} s** (${p.perSecond.toLocaleString('en-US')} deliveries/s); a second run at the same instant ${p.rerunSeconds} s, ${p.rerunInserted} new; at most ${p.perRecipientStage} message per recipient per organisation and stage.`,
    );
  }
  if (extra.delivery) {
    out.push('');
    out.push('| delivery (scenario 6) | webhooks | sent | received | duplicates | failed | seconds | messages/s |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const d of extra.delivery)
      out.push(
        `| ${d.workers} worker process${d.workers > 1 ? 'es' : ''} | ${d.deliveries} | ${d.sent} | ${d.received} | ${d.duplicates} | ${d.failed} | ${d.seconds} | ${d.perSecond} |`,
      );
  }
  if (extra.cells) {
    const c = extra.cells;
    out.push(
      '',
      `Dashboard cells after the run (migration 0028): ${c.cells.toLocaleString('en-US')} cells and ${c.pending.toLocaleString('en-US')} change-log rows over ${c.organisations.toLocaleString('en-US')} organisations; ` +
        (c.differences === 0
          ? 'equal to a fresh GROUP BY over the status rollups.'
          : `**${c.differences} cells differ from a fresh GROUP BY over the status rollups**.`),
    );
  }
  if (extra.redis)
    out.push(
      '',
      `Redis memory per pending delivery: ${extra.redis.bytesPerDelivery} bytes (${extra.redis.jobs.toLocaleString('en-US')} jobs queued as the relay queues them; ${extra.redis.megabytesPerMillion} MB per million pending).`,
    );
  out.push('', '**Targets**', '');
  for (const t of targets()) out.push(`- ${t.met === null ? '–' : t.met ? 'met' : '**missed**'}: ${t.text} (${t.measured})`);
  return out.join('\n');
}

function targets() {
  const find = (s, server) => rows.find((r) => r.scenario === s && r.server === server);
  const t = [];
  // the dashboard's targets are met with the cache off (issue 16); the cached row is shown beside them
  const so = find('summary by sector', 'ours, cache off');
  const sp = find('summary by sector', 'PostGraphile 5');
  if (so) t.push({ text: 'dashboard summary, cache off, p95 under 50 ms', measured: `p95 ${so.p95} ms`, met: so.p95 < 50 });
  if (so && sp)
    t.push({
      text: 'dashboard summary, cache off, at least 3× PostGraphile',
      measured: `${ratio(so.rps, sp.rps)}: ${so.rps} against ${sp.rps} req/s`,
      met: so.rps >= 3 * sp.rps,
    });
  const questions = rows.filter((r) => r.scenario.startsWith('dashboard: ') || r === so);
  if (questions.length > 1) {
    const worst = questions.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    t.push({
      text: 'every dashboard question (summary and each breakdown), cache off, p95 under 50 ms',
      measured: `worst p95 ${worst.p95} ms (${worst.scenario.replace('dashboard: ', '')}); ${questions.filter((r) => r.p95 >= 50).length} of ${questions.length} at 50 ms or more`,
      met: questions.every((r) => r.p95 < 50),
    });
  }
  if (extra.cells)
    t.push({
      text: 'dashboard cells equal to a fresh GROUP BY after the run',
      measured: `${extra.cells.differences} cells differ`,
      met: extra.cells.differences === 0,
    });
  // issue 16's targets, each against PostGraphile in this run
  const against = (scenario, text, times) => {
    const o = find(scenario, 'ours');
    const p = find(scenario, 'PostGraphile 5');
    if (o && p)
      t.push({
        text: `${text} at least ${times}× PostGraphile`,
        measured: `${ratio(o.rps, p.rps)}: ${o.rps} against ${p.rps} req/s`,
        met: o.rps >= times * p.rps,
      });
  };
  against('at-risk list (50, 3 levels)', 'at-risk page of 50, three levels,', 1.5);
  against('one organisation in full', 'one organisation in full', 1.5);
  against('self-report c1', 'self-report at concurrency 1, with audit, status and re-plan,', 1.0);
  against('self-report c32', 'self-report at concurrency 32, with audit, status and re-plan,', 1.0);
  if (extra.planner) {
    const p = extra.planner;
    t.push({
      text: `planner at a stage boundary under 10 s for ${p.organisations.toLocaleString('en-US')} organisations`,
      measured: `${p.seconds} s`,
      met: p.seconds < 10,
    });
    t.push({ text: 'planner with nothing changed since the last pass under 1 s', measured: `${p.rerunSeconds} s`, met: p.rerunSeconds < 1 });
    t.push({ text: 'one message per recipient per organisation and stage', measured: `at most ${p.perRecipientStage}`, met: p.perRecipientStage <= 1 });
  }
  if (extra.delivery) {
    const best = Math.max(...extra.delivery.map((d) => d.perSecond));
    t.push({
      text: 'delivery at least 2,000 messages/s',
      measured: extra.delivery.map((d) => `${d.perSecond}/s with ${d.workers} worker${d.workers > 1 ? 's' : ''}`).join(', '),
      met: best >= 2000,
    });
  }
  return t;
}

async function main() {
  const startedAt = new Date();
  await ensureData();
  const pool = new Pool({ connectionString: DATABASE_URL, max: Math.max(32, CONNECTIONS) });
  // an idle connection ended from outside (a server restart, an operator's pg_terminate_backend) is dropped
  // from the pool and replaced on the next query; without a listener Node would end the whole run on it
  pool.on('error', (error) => log(`  (a pooled connection ended: ${error.message})`));
  await pool.query(readFileSync(join(__dirname, 'postgraphile', 'functions.sql'), 'utf8'));
  const { adminToken, reporters } = await credentials(pool, 2000);
  const programme = (await pool.query(`SELECT updates_cutoff FROM programme WHERE key = 'kaspersky-2024'`)).rows[0];
  const now = new Date(programme.updates_cutoff.getTime() - 7 * 86_400_000);
  // What autovacuum would have done by now on a server that runs it (CI's PostgreSQL here runs with
  // autovacuum = off): the earlier runs' and the generator's dead rows cleared and the statistics fresh,
  // for all three servers alike. Without it the dashboard cells' change log, emptied by its last fold,
  // still spans its old pages and every read of it scans them (5 ms a summary at 200,000).
  const autovacuum = (await pool.query('SHOW autovacuum')).rows[0].autovacuum;
  await pool.query('VACUUM ANALYZE');
  // and its writes flushed now, not by a checkpoint in the middle of a timed run (after a checkpoint each
  // page's first change writes the whole page to the WAL: the self-reports of the run of 07:41 ran at half speed)
  await pool.query('CHECKPOINT');
  const env = { DATABASE_URL, REDIS_URL, QUEUE_PREFIX, TRACKER_NOW: now.toISOString() };
  const ctx = { pool, adminToken, reporters, env, now };
  const stops = [];
  const pgVersion = (await pool.query('SHOW server_version')).rows[0].server_version;
  let pglNode = '';
  try {
    const needsHttp = ['summary', 'list', 'organisation', 'self-report', 'scale-out'].some((s) => ONLY.has(s));
    if (needsHttp) {
      ctx.api = await startApi(env);
      stops.push(ctx.api);
    }
    if (['summary', 'list', 'organisation', 'self-report'].some((s) => ONLY.has(s))) {
      ctx.postgraphile = await startPostgraphile(DATABASE_URL, POOL_MAX);
      stops.push(ctx.postgraphile);
      pglNode = ctx.postgraphile.nodeVersion;
      // A second PostGraphile behind the counting proxy, only for statement counts (never timed).
      const u = new URL(DATABASE_URL);
      ctx.proxy = await countingProxy({ host: u.hostname, port: Number(u.port || 5432) });
      u.host = `127.0.0.1:${ctx.proxy.port}`;
      ctx.countingPostgraphile = await startPostgraphile(u.toString(), 4);
      stops.push(ctx.countingPostgraphile);
    }
    if (ONLY.has('summary')) {
      await readScenario('summary by sector', SUMMARY, ctx, {
        uncached: true,
        check: (o, p, s) => {
          const a = SUMMARY.totals.ours(o);
          const b = SUMMARY.totals.postgraphile(p);
          const c = SUMMARY.totals.sql(s);
          if (!sameish(a, b) || !sameish(a, c)) throw new Error(`summaries disagree: ours ${a}, PostGraphile ${b}, SQL ${c}`);
        },
      });
    }
    if (ONLY.has('list')) {
      await readScenario('at-risk list (50, 3 levels)', LIST, ctx, {
        check: (o, p, s) => {
          const a = LIST.ids.ours(o).join();
          if (a !== LIST.ids.postgraphile(p).join() || a !== LIST.ids.sql(s).join()) throw new Error('the three at-risk pages differ');
        },
      });
    }
    if (ONLY.has('organisation')) {
      const ids = (await pool.query(`SELECT id FROM organisation ORDER BY md5(id::text || 'o') LIMIT 1000`)).rows.map((r) => r.id);
      await readScenario('one organisation in full', ORGANISATION, ctx, {
        variables: (i) => ({ ours: { id: ids[i % ids.length] }, postgraphile: { id: ids[i % ids.length] } }),
        sqlParams: (i) => [ids[i % ids.length]],
        check: (o, p, s) => {
          if (o.organisation.id !== p.organisationByRowId.rowId || o.organisation.id !== s[0].organisation.id) throw new Error('organisation answers differ');
          if (o.organisation.footprint.length !== p.organisationByRowId.footprintsByOrganisationId.nodes.length) throw new Error('footprint rows differ');
        },
      });
    }
    if (ONLY.has('self-report')) {
      await selfReportScenario(ctx, 1);
      await selfReportScenario(ctx, 32);
    }
    for (const s of [ctx.countingPostgraphile, ctx.postgraphile]) if (s) await s.stop();
    if (ctx.proxy) await ctx.proxy.close();
    if (ONLY.has('scale-out')) await scaleOut(ctx);
    if (ctx.api) await ctx.api.stop();
    if (ONLY.has('planner')) await plannerScenario(ctx);
    if (ONLY.has('redis')) await redisScenario();
    if (ONLY.has('delivery')) await deliveryScenario(ctx, WORKERS);
  } finally {
    for (const s of stops) await s.stop().catch(() => undefined);
    await pool.query(`DELETE FROM api_credential WHERE created_by = 'bench'`).catch(() => undefined);
    await pool.end();
    const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }

  // After every write the run made: the dashboards' cells (with their change log) against a fresh GROUP BY.
  extra.cells = await (async () => {
    const p = new Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      const [{ differences }] = (await p.query(`SELECT count(*)::int AS differences FROM dashboard_cell_differences()`)).rows;
      const [c] = (
        await p.query(`SELECT (SELECT count(*) FROM dashboard_cell)::int AS cells, (SELECT count(*) FROM dashboard_cell_change)::int AS pending,
        (SELECT COALESCE(sum(organisations), 0) FROM dashboard_figures)::int AS organisations`)
      ).rows;
      log(`dashboard cells: ${differences} differ from a fresh GROUP BY (${c.cells} cells, ${c.pending} change-log rows)`);
      return { differences, ...c };
    } finally {
      await p.end();
    }
  })();
  const counts = await (async () => {
    const p = new Pool({ connectionString: DATABASE_URL, max: 1 });
    const r = (
      await p.query(
        `SELECT (SELECT count(*) FROM footprint)::int f, (SELECT count(*) FROM milestone)::int m, (SELECT count(*) FROM audit_event)::int a, (SELECT count(*) FROM daily_snapshot)::int d`,
      )
    ).rows[0];
    await p.end();
    return r;
  })();
  const cpu = os.cpus();
  const meta = {
    at: startedAt.toISOString(),
    scale: SCALE,
    data: `${counts.f.toLocaleString('en-US')} footprint rows, ${counts.m.toLocaleString('en-US')} milestones, ${counts.a.toLocaleString('en-US')} audit events, ${counts.d.toLocaleString('en-US')} snapshot rows`,
    machine: `${cpu.length} × ${cpu[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; PostgreSQL ${pgVersion} (autovacuum ${autovacuum}; the run vacuums, analyses and checkpoints the database before timing), Redis and every process on the same host; ours on Node ${process.version}, PostGraphile ${require(join(__dirname, 'postgraphile', 'node_modules', 'postgraphile', 'package.json')).version} on Node ${pglNode || '22'}`,
  };
  const md = table(meta);
  process.stdout.write(`${md}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const stamp = `${meta.at.replace(/[:.]/g, '-')}-${SCALE}`;
  writeFileSync(
    join(RESULTS, `${stamp}.json`),
    JSON.stringify(
      { meta, options: { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, only: [...ONLY] }, rows, extra, targets: targets() },
      null,
      2,
    ),
  );
  writeFileSync(join(RESULTS, `${stamp}.md`), `${md}\n`);
  if (argv.includes('--drop-data')) {
    const admin = new Pool({ connectionString: `${PG}/postgres`, max: 1 });
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.end();
  }
  if (!argv.includes('--no-readme') && SCALE === 200000 && ALL.every((s) => ONLY.has(s))) {
    const readmePath = join(__dirname, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const start = '<!-- bench:latest:start -->';
    const end = '<!-- bench:latest:end -->';
    const block = `${start}\n${md}\n\n(From bench/results/${stamp}.md.)\n${end}`;
    writeFileSync(
      readmePath,
      readme.includes(start) ? readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), block) : `${readme}\n## Latest side-by-side run (issue 8)\n\n${block}\n`,
    );
    log('bench/README.md updated');
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
