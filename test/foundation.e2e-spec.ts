import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { API_MAIN, baseEnv, CLI_MAIN, dropDatabase, errorCode, ok, runNode, startServer, TestServer } from './support/server';
import { Redis } from 'ioredis';

describe('foundation: the main job on real PostgreSQL and Redis', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ withWorker: true });
  });
  afterAll(() => server?.stop());

  it('answers the sectors and the programme cutoff instant without a token', async () => {
    const data = ok(await server.gql('{ sectors { code name srma } programmes { name announced newBusinessCutoff updatesCutoff } }', {}, null));
    expect(data.sectors).toHaveLength(16);
    expect(data.sectors).toContainEqual({ code: 'ENERGY', name: 'Energy', srma: 'DOE' });
    expect(data.sectors).toContainEqual({ code: 'WATER', name: 'Water and Wastewater Systems', srma: 'EPA' });
    expect(data.programmes).toEqual([
      { name: 'Kaspersky 2024', announced: '2024-06-20', newBusinessCutoff: '2024-07-20T04:00:00.000Z', updatesCutoff: '2024-09-29T04:00:00.000Z' },
    ]);
  });

  it('keeps reference data as rows: regions come from states, products from the catalogue', async () => {
    const data = ok(await server.gql('{ states { code region regionOffice } products { code kind } }', {}, null));
    expect(data.states).toContainEqual({ code: 'TX', region: 6, regionOffice: 'Dallas' });
    expect(data.states).toContainEqual({ code: 'PR', region: 2, regionOffice: 'New York' });
    expect(data.states).toHaveLength(56);
    expect(data.products.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['KES_ADVANCED', 'KICS_NODES', 'WHITE_LABEL']));
  });

  it('refuses an operation without a token as UNAUTHENTICATED', async () => {
    const response = await server.gql('{ organisations { totalCount } }', {}, null);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('serves liveness, readiness and Prometheus metrics', async () => {
    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${server.url}/health/ready`);
    const body = await ready.json();
    expect(ready.status).toBe(200);
    expect(body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } })).text();
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toMatch(/queue_jobs\{queue="maintenance",state="(waiting|delayed|completed|prioritized)"\}/);
  });

  it('applies migrations once, however many processes start', async () => {
    const again = await server.cli('migrate');
    expect(again.code).toBe(0);
    const rows = await server.sql('SELECT name FROM schema_migration ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual([
      'InitialSchema1795300000000',
      'ApiCredentials1795300000001',
      'Reminders1795300000002',
      'SimulatedTime1795300000003',
      'DashboardRollups1795300000004',
      'Imports1795300000005',
      'DropUnusedMilestoneIndex1795300000006',
      'TimeOrderedIds1795300000007',
      'ProgrammeReferencesPerStatement1795300000008',
      'AtRiskOrder1795300000020',
      'OrganisationReferencesPerStatement1795300000021',
      'OrganisationRoomForHotUpdates1795300000022',
      'OrganisationReferencesFinalForm1795300000023',
      'ProgrammeAsData1795300000024',
      'EscalationCannotBeSilenced1795300000025',
      'WebhookSecretPerReceiver1795300000026',
      'PlannerWorksIncrementally1795300000027',
      'DashboardCells1795300000028',
      'CredentialChangesAnnounced1795300000029',
      'ExtensionsThatCount1795300000030',
      'PlannerMarksPassTheCells1795300000031',
      'LinksForRecipients1795300000032',
      'ProductsReportedAndVerified1795300000040',
      'ReferenceDataAtTheInstant1795300000045',
      'OtMaintenanceWindows1795300000046',
      'SrmaContactsByAgency1795300000047',
      'WorkQueueFailedDeliveries1795300000055',
      'StaffSessions1795300000060',
      'PlannerMarksInATableOfTheirOwn1795300000061',
      'DashboardCellsByState1795300000062',
    ]);
    expect((await server.sql('SELECT count(*)::int AS n FROM sector'))[0].n).toBe(16);
  });

  it('checks the organisation and programme references per statement as the foreign keys did: 23503, cascade on delete, no id change', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: { code?: string }) => e.code,
      );
    const [{ id: programme }] = await server.sql(`SELECT id FROM programme LIMIT 1`);
    const [{ id: org }] = await server.sql(
      `INSERT INTO organisation (external_key, name, primary_sector_code, state_code, size_band, criticality_tier, created_at, updated_at)
       VALUES ('REFERENCES-1', 'References', 'ENERGY', 'TX', 'SMALL', 2, now(), now()) RETURNING id`,
    );
    const missing = '00000000-0000-7000-8000-000000000001';
    const milestone = (organisationId: string, programmeId: string, key: string) =>
      server.sql(
        `INSERT INTO milestone (organisation_id, programme_id, key, track, name, position, original_target_at, target_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'IT', 'x', 0, now(), now(), now(), now())`,
        [organisationId, programmeId, key],
      );
    const contact = (organisationId: string) =>
      server.sql(
        `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at) VALUES ($1, 'PRIMARY', 'n', 'n@example.org', 'UTC', now(), now())`,
        [organisationId],
      );
    await milestone(org, programme, 'REF_A');
    await contact(org);
    await server.sql(
      `INSERT INTO footprint (organisation_id, programme_id, product_code, environment, endpoint_count, endpoints_remaining, update_channel, created_at, updated_at)
      VALUES ($1, $2, 'KES_ADVANCED', 'IT', 3, 3, 'DIRECT', now(), now())`,
      [org, programme],
    );
    await server.sql(`INSERT INTO organisation_status (organisation_id, programme_id, as_of, status) VALUES ($1, $2, now(), 'ON_TRACK')`, [org, programme]);
    // a missing organisation or programme, in a statement of several rows or by an update, is refused whole
    expect(await code(milestone(missing, programme, 'REF_B'))).toBe('23503');
    expect(await code(milestone(org, missing, 'REF_B'))).toBe('23503');
    expect(await code(contact(missing))).toBe('23503');
    expect(await code(server.sql(`UPDATE contact SET organisation_id = $1 WHERE organisation_id = $2`, [missing, org]))).toBe('23503');
    expect(await code(server.sql(`UPDATE milestone SET programme_id = $1 WHERE organisation_id = $2`, [missing, org]))).toBe('23503');
    expect((await server.sql(`SELECT count(*)::int AS n FROM milestone WHERE organisation_id = $1`, [org]))[0].n).toBe(1);
    // a referenced organisation keeps its id, a referenced programme cannot go
    expect(await code(server.sql(`UPDATE organisation SET id = $1 WHERE id = $2`, [missing, org]))).toBe('23503');
    expect(await code(server.sql(`DELETE FROM programme WHERE id = $1`, [programme]))).toBe('23503');
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      // under a stricter isolation level the cascade could miss a row committed after the transaction began: refused
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      expect(await code(client.query(`DELETE FROM organisation WHERE id = $1`, [org]))).toBe('0A000');
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    // deleting the organisation deletes what names it
    await server.sql(`DELETE FROM organisation WHERE id = $1`, [org]);
    for (const table of ['milestone', 'contact', 'footprint', 'organisation_status']) {
      expect((await server.sql(`SELECT count(*)::int AS n FROM ${table} WHERE organisation_id = $1`, [org]))[0].n).toBe(0);
    }
  });

  it('empties the tables that name organisations on TRUNCATE organisation CASCADE', async () => {
    // on a database of its own: TRUNCATE locks every table it reaches, and this server's worker uses its own
    const name = `${new URL(server.databaseUrl).pathname.slice(1)}_truncate`;
    const url = new URL(server.databaseUrl);
    url.pathname = `/${name}`;
    await server.sql(`CREATE DATABASE "${name}"`);
    const client = new Client({ connectionString: url.toString() });
    try {
      expect((await runNode(CLI_MAIN, ['migrate'], baseEnv({ DATABASE_URL: url.toString() }))).code).toBe(0);
      await client.connect();
      const [{ id: org }] = (
        await client.query(`INSERT INTO organisation (external_key, name, primary_sector_code, state_code, size_band, criticality_tier, created_at, updated_at)
        VALUES ('TRUNCATE-1', 'Truncate', 'WATER', 'OH', 'SMALL', 3, now(), now()) RETURNING id`)
      ).rows;
      await client.query(
        `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at) VALUES ($1, 'PRIMARY', 'n', 'n@example.org', 'UTC', now(), now())`,
        [org],
      );
      await client.query(
        `INSERT INTO milestone (organisation_id, programme_id, key, track, name, position, original_target_at, target_at, created_at, updated_at)
        SELECT $1, id, 'T', 'IT', 't', 0, now(), now(), now(), now() FROM programme LIMIT 1`,
        [org],
      );
      await client.query('TRUNCATE organisation CASCADE');
      expect(
        (await client.query(`SELECT (SELECT count(*) FROM milestone) + (SELECT count(*) FROM contact) + (SELECT count(*) FROM organisation) AS n`)).rows[0].n,
      ).toBe('0');
    } finally {
      await client.end().catch(() => undefined);
      await dropDatabase(name);
    }
  });

  it('registers the status refresh on a job scheduler with a pinned time zone', async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${server.queuePrefix}:maintenance:repeat*`);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('foundation: configuration errors', () => {
  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be an integer/],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/],
    [{ TRACKER_NOW: 'next tuesday' }, /^Invalid configuration: TRACKER_NOW must be an ISO-8601 instant/],
    [{ REDIS_URL: '127.0.0.1:6379' }, /^Invalid configuration: REDIS_URL must be a redis:\/\/ URL/],
  ])('%p stops start-up with one line naming it', async (env, expected) => {
    const result = await runNode(API_MAIN, [], baseEnv(env as Record<string, string>));
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('foundation: nothing listening on the default ports', () => {
  it('comes up on an embedded PostgreSQL and a redis-server it starts itself', () => {
    const probe = join(__dirname, 'support', 'fallback-probe.js');
    const run = spawnSync('unshare', ['-n', 'bash', '-c', `ip link set lo up && "${process.execPath}" "${probe}"`], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(result.error).toBeUndefined();
    expect(result.body.data.sectors).toHaveLength(16);
    expect(result.body.data.programmes[0].updatesCutoff).toBe('2024-09-29T04:00:00.000Z');
    expect(result.output.join('\n')).toMatch(/started embedded PostgreSQL/);
    expect(result.output.join('\n')).toMatch(/started redis-server/);
  }, 150_000);
});
