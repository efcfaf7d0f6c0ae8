#!/usr/bin/env node
/**
 * The bulk import (issue 7), timed end to end: N organisations (with two contacts each) and N footprint
 * rows written by bench/import/generate.js, imported with the CLI into a freshly migrated database,
 * organisations first, then the footprint on top. The peer, timed in the same run on the same database:
 * PostgreSQL's own COPY of the same two files into bare staging tables, the floor for loading those
 * bytes (no row checks, no milestones, statuses or audit trail, no indexes).
 *
 *   npm run bench:import                          # 200,000 rows of each, once
 *   npm run bench:import -- --rows 20000 --repeat 3
 *
 * Options: --rows N (default 200000), --repeat N (fresh database each time, default 1), --dir DIR (where
 * the files are written, default the system's temporary folder), --results DIR (default bench/results).
 * Writes bench/results/<time>-import-<rows>.{json,md}; drops its database at the end.
 */
const { spawnSync } = require('node:child_process');
const { createReadStream, mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Pool } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const ROWS = Number(opt('rows', 200000));
const REPEAT = Number(opt('repeat', 1));
const DIR = opt('dir', join(os.tmpdir(), `tracker-import-bench-${ROWS}`));
const RESULTS = opt('results', join(__dirname, '..', 'results'));
const PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DB_NAME = `tracker_bench_import_${process.pid}`;
const DATABASE_URL = `${PG}/${DB_NAME}`;
const NOW = '2024-09-22T04:00:00Z'; // a week before the cutoff, as the side-by-side benchmark
const log = (s) => process.stderr.write(`${s}\n`);
const seconds = (ms, digits = 1) => Math.round(ms / 10 ** (3 - digits)) / 10 ** digits;

function run(args, env = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'error', DATABASE_URL, TRACKER_NOW: NOW, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return { ms, stdout: r.stdout };
}

async function admin(sql) {
  const pool = new Pool({ connectionString: `${PG}/postgres`, max: 1 });
  try {
    await pool.query(sql);
  } finally {
    await pool.end();
  }
}

/** COPY of a file into a table of text columns named as its header: the peer. */
async function copyFile(pool, file, table) {
  const client = await pool.connect();
  try {
    const header = (
      await new Promise((resolve, reject) => {
        const s = createReadStream(file, { encoding: 'utf8', end: 4095 });
        s.once('data', (chunk) => {
          s.destroy();
          resolve(chunk.split(/\r?\n/)[0]);
        });
        s.once('error', reject);
      })
    ).split(',');
    await client.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (${header.map((h) => `"${h}" text`).join(', ')})`);
    const started = process.hrtime.bigint();
    await pipeline(createReadStream(file), client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await client.query(`DROP TABLE ${table}`);
    return ms;
  } finally {
    client.release();
  }
}

async function once(round) {
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  run([CLI, 'migrate']);
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  const results = [];
  try {
    const peer = {
      organisations: await copyFile(pool, join(DIR, 'organisations.csv'), 'bench_copy_organisations'),
      footprint: await copyFile(pool, join(DIR, 'footprint.csv'), 'bench_copy_footprint'),
    };
    for (const kind of ['organisations', 'footprint']) {
      await pool.query('CHECKPOINT');
      const { ms, stdout } = run([CLI, 'import', kind, join(DIR, `${kind}.csv`)]);
      const m = /(\d+) rows, (\d+) to create\/created, (\d+) updated, (\d+) unchanged, (\d+) bad/.exec(stdout);
      if (!m) throw new Error(`no summary from the import: ${stdout}`);
      const [rows, created, updated, unchanged, bad] = m.slice(1).map(Number);
      if (rows !== ROWS || created !== ROWS || bad !== 0) throw new Error(`the ${kind} import did not create every row: ${m[0]}`);
      results.push({
        round,
        kind,
        rows,
        created,
        updated,
        unchanged,
        bad,
        seconds: seconds(ms),
        rowsPerSecond: Math.round(rows / (ms / 1000)),
        copySeconds: seconds(peer[kind], 2),
        ratioToCopy: Math.round((ms / peer[kind]) * 10) / 10,
      });
      log(`  ${kind}: ${rows.toLocaleString('en-US')} rows imported in ${seconds(ms)} s (COPY of the file: ${seconds(peer[kind], 2)} s)`);
    }
    const written = (
      await pool.query(`SELECT (SELECT count(*) FROM organisation)::int AS o, (SELECT count(*) FROM contact)::int AS c, (SELECT count(*) FROM milestone)::int AS m,
      (SELECT count(*) FROM footprint)::int AS f, (SELECT count(*) FROM organisation_status)::int AS s, (SELECT count(*) FROM audit_event)::int AS a`)
    ).rows[0];
    return { results, written };
  } finally {
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}

async function main() {
  const at = new Date().toISOString();
  log(`writing ${ROWS.toLocaleString('en-US')} organisations and footprint rows to ${DIR}`);
  run([join(__dirname, 'generate.js'), String(ROWS), DIR]);
  const rounds = [];
  for (let round = 1; round <= REPEAT; round++) {
    log(`round ${round} of ${REPEAT}`);
    rounds.push(await once(round));
  }
  const cpu = os.cpus();
  const machine = `${cpu.length} × ${cpu[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; PostgreSQL and the CLI on the same host; Node ${process.version}`;
  const w = rounds[0].written;
  const out = [
    `Import run ${at} on ${machine}. ${ROWS.toLocaleString('en-US')} organisations with two contacts each, then ${ROWS.toLocaleString('en-US')} footprint rows, into a freshly migrated database; written: ${w.o.toLocaleString('en-US')} organisations, ${w.c.toLocaleString('en-US')} contacts, ${w.m.toLocaleString('en-US')} milestones, ${w.f.toLocaleString('en-US')} footprint rows, ${w.s.toLocaleString('en-US')} status rollups, ${w.a.toLocaleString('en-US')} audit events.`,
    '',
    '| round | file | rows | import s | rows/s | COPY of the file s | import ÷ COPY | under 60 s |',
    '|---:|---|---:|---:|---:|---:|---:|---|',
    ...rounds.flatMap((r) =>
      r.results.map(
        (x) =>
          `| ${x.round} | ${x.kind} | ${x.rows.toLocaleString('en-US')} | ${x.seconds} | ${x.rowsPerSecond.toLocaleString('en-US')} | ${x.copySeconds} | ${x.ratioToCopy}× | ${x.seconds < 60 ? 'yes' : '**no**'} |`,
      ),
    ),
  ].join('\n');
  process.stdout.write(`${out}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const stamp = `${at.replace(/[:.]/g, '-')}-import-${ROWS}`;
  writeFileSync(join(RESULTS, `${stamp}.json`), JSON.stringify({ at, machine, rows: ROWS, repeat: REPEAT, rounds }, null, 2));
  writeFileSync(join(RESULTS, `${stamp}.md`), `${out}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
