import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { dropDatabase, runNode } from './support/server';
import { testServerUrls } from './support/services';

/**
 * The benchmark harness at a small scale, end to end: it generates its data set, starts our API,
 * PostGraphile 5 (installed from the npm registry on first use) and workers, checks that the three
 * answer the same questions alike, loads them, plans and delivers reminders. Nothing here asserts a
 * speed (the benchmark reports those); it asserts that every scenario ran, without an error, and that
 * what the delivery and planner scenarios report is exactly-once.
 */
describe('the benchmark, at a small scale', () => {
  const results = mkdtempSync(join(tmpdir(), 'bench-results-'));
  afterAll(() => rmSync(results, { recursive: true, force: true }));

  it('runs every scenario: the three servers agree, no request fails, reminders are planned once and delivered once', async () => {
    const { postgres, redis } = testServerUrls();
    const base = new URL(postgres);
    base.pathname = '';
    const database = `tracker_bench_e2e_${Date.now().toString(36)}`;
    // --drop-data drops the data set after a run that finishes; a run that fails leaves it, so drop it here too
    const run = await runNode(
      join(__dirname, '..', 'bench', 'run.js'),
      [
        '--scale',
        '300',
        '--duration',
        '1',
        // a second's warm-up opens the servers' pools before the timed second (32 self-reports at once
        // on a cold pool on a loaded CI machine had none answered within a one-second window)
        '--warmup',
        '1',
        '--connections',
        '4',
        '--deliveries',
        '300',
        '--only',
        'summary,list,organisation,self-report,planner,redis,delivery',
        '--database',
        database,
        '--results',
        results,
        '--drop-data',
        '--no-readme',
      ],
      { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_POSTGRES_URL: base.toString().replace(/\/$/, ''), BENCH_REDIS_URL: redis },
      480_000,
    ).finally(() => dropDatabase(database));
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);

    const [file] = readdirSync(results).filter((f) => f.endsWith('.json') && !f.includes('-import-'));
    const report = JSON.parse(readFileSync(join(results, file), 'utf8'));
    const scenarios = ['summary by sector', 'at-risk list (50, 3 levels)', 'one organisation in full', 'self-report c1', 'self-report c32'];
    for (const scenario of scenarios) {
      const servers = report.rows.filter((r: any) => r.scenario === scenario);
      expect(servers.map((r: any) => r.server)).toEqual(expect.arrayContaining(['ours', 'PostGraphile 5', 'raw SQL (pg)']));
      for (const r of servers) {
        expect({ scenario, server: r.server, answered: r.requests > 0, errors: r.errors }).toEqual({ scenario, server: r.server, answered: true, errors: 0 });
      }
    }
    expect(report.rows.find((r: any) => r.scenario === 'summary by sector' && r.server === 'ours').statements).toBeGreaterThan(0);
    expect(report.extra.planner.organisations).toBe(300);
    expect(report.extra.planner.inserted).toBeGreaterThan(0);
    expect(report.extra.planner.rerunInserted).toBe(0);
    expect(report.extra.planner.perRecipientStage).toBe(1);
    expect(report.extra.delivery).toEqual([expect.objectContaining({ deliveries: 300, sent: 300, received: 300, duplicates: 0, failed: 0 })]);
    expect(report.extra.redis.bytesPerDelivery).toBeGreaterThan(0);
    expect(run.stdout).toContain('| summary by sector | ours |');
    expect(run.stdout).toContain('| summary by sector | ours, cache off |');
    // after every write the run made, the dashboards' cells equal a fresh GROUP BY over the rollups
    expect(report.extra.cells).toMatchObject({ differences: 0, organisations: 300 });
  }, 600_000);

  it('times the bulk import of both files beside a COPY of them, into a database it drops', async () => {
    const { postgres } = testServerUrls();
    const base = new URL(postgres);
    base.pathname = '';
    const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
    try {
      const run = await runNode(
        join(__dirname, '..', 'bench', 'import', 'run.js'),
        ['--rows', '500', '--dir', dir, '--results', results],
        { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_POSTGRES_URL: base.toString().replace(/\/$/, '') },
        240_000,
      );
      expect(run.stderr).not.toMatch(/Error:/);
      expect(run.code).toBe(0);
      const file = readdirSync(results).find((f) => f.includes('-import-500') && f.endsWith('.json'))!;
      const report = JSON.parse(readFileSync(join(results, file), 'utf8'));
      expect(report.rounds[0].results.map((r: any) => [r.kind, r.rows, r.created, r.bad])).toEqual([
        ['organisations', 500, 500, 0],
        ['footprint', 500, 500, 0],
      ]);
      for (const r of report.rounds[0].results) expect(r.seconds).toBeGreaterThan(r.copySeconds);
      expect(report.rounds[0].written).toMatchObject({ o: 500, c: 1000, f: 500, s: 500 });
      const pool = new Pool({ connectionString: postgres, max: 1 });
      try {
        const left = await pool.query(`SELECT datname FROM pg_database WHERE datname LIKE 'tracker\\_bench\\_import\\_%'`);
        expect(left.rows).toEqual([]);
      } finally {
        await pool.end();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
