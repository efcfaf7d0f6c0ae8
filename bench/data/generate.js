#!/usr/bin/env node
/**
 * National-scale data set for the benchmarks, loaded with COPY: deterministic for a seed.
 *
 *   node bench/data/generate.js --organisations 200000 [--seed 1] [--database postgres://…/tracker_bench]
 *
 * It applies the migrations (through the CLI), then copies organisations (two contacts each), about five
 * footprint rows per organisation, seven IT milestones each (and an OT track where there is OT),
 * extension requests, an audit history, and derives every status rollup with the application's own
 * code (`cli status refresh`), then writes 90 days of burn-down snapshots. Progress on stderr.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const N = Number(args.organisations ?? 200000);
const SEED = Number(args.seed ?? 1);
const DATABASE_URL = args.database ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tracker_bench';
const ROOT = join(__dirname, '..', '..');
const DAY = 86_400_000;

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(SEED);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
let uuidCounter = 0;
/** Deterministic, time-ordered-looking ids (version 7 layout) so indexes fill from the right. */
function uuid() {
  uuidCounter += 1;
  const hex = (uuidCounter.toString(16).padStart(12, '0') + Array.from({ length: 20 }, () => Math.floor(rnd() * 16).toString(16)).join('')).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
const csv = (v) => (v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' '));
const line = (...values) => values.map(csv).join('\t') + '\n';

const SECTORS = [
  'CHEMICAL',
  'COMMERCIAL_FACILITIES',
  'COMMUNICATIONS',
  'CRITICAL_MANUFACTURING',
  'DAMS',
  'DEFENSE_INDUSTRIAL_BASE',
  'EMERGENCY_SERVICES',
  'ENERGY',
  'FINANCIAL_SERVICES',
  'FOOD_AGRICULTURE',
  'GOVERNMENT_FACILITIES',
  'HEALTHCARE_PUBLIC_HEALTH',
  'INFORMATION_TECHNOLOGY',
  'NUCLEAR',
  'TRANSPORTATION',
  'WATER',
];
const OT_SECTORS = new Set(['ENERGY', 'WATER', 'DAMS', 'NUCLEAR', 'CHEMICAL', 'CRITICAL_MANUFACTURING', 'TRANSPORTATION']);
const PRODUCTS = ['KES_SELECT', 'KES_ADVANCED', 'KSC', 'KSOS', 'KAV', 'KIS', 'KESS', 'KSMS', 'KHCS'];

async function copy(client, table, columns, produce, total) {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const done = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let written = 0;
  let chunk = '';
  for (const row of produce()) {
    chunk += row;
    written += 1;
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
      chunk = '';
      if (written % 100000 < 2000)
        process.stderr.write(`\r  ${table}: ${written.toLocaleString('en-US')}${total ? ` of ~${total.toLocaleString('en-US')}` : ''}   `);
    }
  }
  stream.end(chunk);
  await done;
  process.stderr.write(`\r  ${table}: ${written.toLocaleString('en-US')} rows\n`);
  return written;
}

(async () => {
  const started = Date.now();
  const env = { ...process.env, DATABASE_URL, LOG_LEVEL: 'warn' };
  const cli = (...a) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...a], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`cli ${a.join(' ')} failed`);
  };
  process.stderr.write(`migrating ${DATABASE_URL}\n`);
  cli('migrate');
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM organisation')).rows;
  if (n > 0) throw new Error(`the database already has ${n} organisations: generate into an empty one`);
  const programme = (await client.query(`SELECT * FROM programme WHERE key = 'kaspersky-2024'`)).rows[0];
  const states = (await client.query('SELECT code FROM us_state ORDER BY code')).rows.map((r) => r.code.trim());
  const plan = programme.milestone_plan;
  const cutoff = new Date(programme.updates_cutoff).getTime();
  const now = new Date(cutoff - 7 * DAY); // a week before the cutoff: the interesting moment

  const orgs = [];
  for (let i = 0; i < N; i++) {
    const sector = SECTORS[i % SECTORS.length];
    orgs.push({
      id: uuid(),
      key: `NAT-${i}`,
      sector,
      state: pick(states),
      tier: int(1, 4),
      progress: int(0, plan.length),
      ot: OT_SECTORS.has(sector) && rnd() < 0.4,
      created: new Date(cutoff - int(90, 100) * DAY),
    });
  }
  process.stderr.write(`loading ${N.toLocaleString('en-US')} organisations\n`);
  await client.query('BEGIN');
  await copy(
    client,
    'organisation',
    ['id', 'external_key', 'name', 'primary_sector_code', 'state_code', 'size_band', 'criticality_tier', 'last_reported_at', 'created_at', 'updated_at'],
    function* () {
      for (const o of orgs)
        yield line(
          o.id,
          o.key,
          `Organisation ${o.key}`,
          o.sector,
          o.state,
          pick(['SMALL', 'MEDIUM', 'LARGE', 'VERY_LARGE']),
          o.tier,
          new Date(now.getTime() - int(0, 40) * DAY).toISOString(),
          o.created.toISOString(),
          o.created.toISOString(),
        );
    },
  );
  await copy(
    client,
    'contact',
    ['id', 'organisation_id', 'role', 'name', 'email', 'time_zone', 'created_at', 'updated_at'],
    function* () {
      for (const o of orgs) {
        yield line(
          uuid(),
          o.id,
          'PRIMARY',
          'Primary',
          `it@${o.key.toLowerCase()}.example`,
          'America/New_York',
          o.created.toISOString(),
          o.created.toISOString(),
        );
        yield line(
          uuid(),
          o.id,
          'EXECUTIVE',
          'Executive',
          `exec@${o.key.toLowerCase()}.example`,
          'America/Chicago',
          o.created.toISOString(),
          o.created.toISOString(),
        );
      }
    },
    N * 2,
  );
  await copy(
    client,
    'footprint',
    [
      'id',
      'organisation_id',
      'programme_id',
      'product_code',
      'environment',
      'endpoint_count',
      'endpoints_remaining',
      'update_channel',
      'created_at',
      'updated_at',
    ],
    function* () {
      for (const o of orgs) {
        const rows = int(3, 7);
        const share = o.progress >= 6 ? 0 : o.progress >= 4 ? rnd() * 0.4 : 0.5 + rnd() * 0.5;
        for (let k = 0; k < rows; k++) {
          const isOt = o.ot && k === 0;
          const count = isOt ? int(5, 60) : int(5, 800);
          yield line(
            uuid(),
            o.id,
            programme.id,
            isOt ? 'KICS_NODES' : pick(PRODUCTS),
            isOt ? 'OT' : 'IT',
            count,
            Math.round(count * share),
            isOt ? 'OFFLINE' : 'SECURITY_CENTER',
            o.created.toISOString(),
            o.created.toISOString(),
          );
        }
      }
    },
    N * 5,
  );
  await copy(
    client,
    'milestone',
    [
      'id',
      'organisation_id',
      'programme_id',
      'key',
      'track',
      'name',
      'position',
      'original_target_at',
      'target_at',
      'state',
      'blocked_reason',
      'verified_by',
      'verified_at',
      'created_at',
      'updated_at',
    ],
    function* () {
      for (const o of orgs) {
        for (const track of o.ot ? ['IT', 'OT'] : ['IT']) {
          for (let p = 0; p < plan.length; p++) {
            const target = new Date(cutoff + (track === 'OT' ? plan[p].otOffsetDays : plan[p].itOffsetDays) * DAY).toISOString();
            const state = p < o.progress ? 'DONE' : p === o.progress ? pick(['IN_PROGRESS', 'NOT_STARTED', 'BLOCKED']) : 'NOT_STARTED';
            const verified = state === 'DONE' && rnd() < 0.5;
            yield line(
              uuid(),
              o.id,
              programme.id,
              plan[p].key,
              track,
              plan[p].name,
              p,
              target,
              target,
              state,
              state === 'BLOCKED' ? 'Waiting for budget' : null,
              verified ? 'system:bench' : null,
              verified ? target : null,
              o.created.toISOString(),
              o.created.toISOString(),
            );
          }
        }
      }
    },
    N * 7.5,
  );
  await copy(
    client,
    'audit_event',
    ['occurred_at', 'actor', 'actor_role', 'organisation_id', 'entity_type', 'entity_id', 'action', 'after'],
    function* () {
      for (const o of orgs) {
        yield line(o.created.toISOString(), 'system:bench', 'system', o.id, 'organisation', o.id, 'create', '{"source":"bench"}');
        yield line(
          new Date(now.getTime() - int(1, 30) * DAY).toISOString(),
          'system:bench',
          'system',
          o.id,
          'organisation',
          o.id,
          'self-report',
          '{"source":"bench"}',
        );
      }
    },
    N * 2,
  );
  await client.query('COMMIT');
  await client.end();
  process.stderr.write('deriving every status rollup with the application (cli status refresh)\n');
  env.TRACKER_NOW = now.toISOString();
  cli('status', 'refresh');
  const c2 = new Client({ connectionString: DATABASE_URL });
  await c2.connect();
  await c2.query(
    `INSERT INTO daily_snapshot (day, programme_id, sector_code, organisations, organisations_not_done, endpoints_total, endpoints_remaining, source, taken_at)
     SELECT d.day, $1, t.sector, t.organisations, t.not_done, t.total, round(t.remaining + (t.total - t.remaining) * (1 - d.k))::bigint, 'BACKFILL', now()
     FROM (SELECT o.primary_sector_code AS sector, count(*)::int AS organisations, count(*) FILTER (WHERE s.status <> 'COMPLETE')::int AS not_done,
                  sum(s.endpoints_total)::bigint AS total, sum(s.endpoints_remaining)::bigint AS remaining
           FROM organisation o JOIN organisation_status s ON s.organisation_id = o.id GROUP BY 1) t
     CROSS JOIN (SELECT ($2::timestamptz AT TIME ZONE 'UTC')::date - g AS day, (90 - g) / 90.0 AS k FROM generate_series(0, 89) g) d
     ON CONFLICT DO NOTHING`,
    [programme.id, now],
  );
  await c2.query('ANALYZE');
  const counts = (
    await c2.query(
      `SELECT (SELECT count(*) FROM organisation) o, (SELECT count(*) FROM footprint) f, (SELECT count(*) FROM milestone) m, (SELECT count(*) FROM audit_event) a, (SELECT count(*) FROM daily_snapshot) d`,
    )
  ).rows[0];
  await c2.end();
  process.stderr.write(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}; run the API with TRACKER_NOW=${now.toISOString()}\n`,
  );
})().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
