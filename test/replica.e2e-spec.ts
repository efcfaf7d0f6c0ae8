import { importOrganisations, report, waitFor } from './support/fault-helpers';
import { newToken } from './support/factories';
import { startPrimaryAndStandby } from './support/pg-replication';
import { errorCode, GqlResponse, ok, startServer, TestServer } from './support/server';

/**
 * A real streaming replica (issue 20): a primary and a hot standby from the machine's PostgreSQL
 * binaries, the built API with DATABASE_URL at the primary and DATABASE_READ_URLS at the standby, and
 * both servers' statement logs to say which of them ran what.
 */
const SUMMARY = '{ programmeSummary { organisations asOf } }';
const LIST = '{ organisations(first: 1) { totalCount } }';
const PROGRAMMES = '{ programmes { id version name } }';
const RENAME = 'mutation($input: UpdateProgrammeInput!) { updateProgramme(input: $input) { id version name } }';
const AGGREGATE = /GROUP BY ROLLUP \(\w+\.status\)/; // the summary's GROUP BY, as the statement logs show it

describe('replica: dashboards read from a hot standby, everything else from the primary', () => {
  let cluster: Awaited<ReturnType<typeof startPrimaryAndStandby>>;
  let server: TestServer;
  beforeAll(async () => {
    cluster = await startPrimaryAndStandby();
    server = await startServer({
      databaseUrl: cluster.primary.url('tracker'),
      // no cache: every summary is a query, so the logs show where each one ran
      env: { DATABASE_READ_URLS: cluster.standby.url('tracker'), DASHBOARD_CACHE_MS: '0' },
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('reads aggregates on the standby, writes and their reads on the primary, keeps scope, and survives the standby going away', async () => {
    await importOrganisations(server, 12, 'REPW', 'WATER');
    await importOrganisations(server, 7, 'REPE', 'ENERGY');
    const water = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
    const energy = (await newToken(server, { role: 'liaison', sectors: ['ENERGY'] })).token;
    await cluster.caughtUp('tracker');

    // 1. where each statement runs
    const p0 = cluster.primary.log.mark();
    const s0 = cluster.standby.log.mark();
    const waterSummary = ok(await server.gql(SUMMARY, {}, water)).programmeSummary;
    const energySummary = ok(await server.gql(SUMMARY, {}, energy)).programmeSummary;
    const adminSummary = ok(await server.gql(SUMMARY)).programmeSummary;
    const waterList = ok(await server.gql(LIST, {}, water)).organisations.totalCount;
    const onPrimary = cluster.primary.log.since(p0);
    const onStandby = cluster.standby.log.since(s0);
    expect([waterSummary.organisations, energySummary.organisations, adminSummary.organisations, waterList]).toEqual([12, 7, 19, 12]);
    const aggregatesOnStandby = onStandby.match(new RegExp(AGGREGATE, 'g'))?.length ?? 0;
    expect(aggregatesOnStandby).toBe(3);
    expect(onPrimary).not.toMatch(AGGREGATE);
    // the credential lookups and the list are the primary's: a standby behind must never decide who a caller is
    expect(onPrimary).toMatch(/FROM "?organisation"?/);
    expect(onStandby).not.toMatch(/credential/i);

    // 2. writes go to the primary (the standby is read-only and would refuse them anyway)
    const p1 = cluster.primary.log.mark();
    const s1 = cluster.standby.log.mark();
    await importOrganisations(server, 3, 'REPX', 'WATER');
    expect(cluster.primary.log.since(p1)).toMatch(/INSERT INTO "?organisation"?/);
    expect(cluster.standby.log.since(s1)).not.toMatch(/INSERT|UPDATE|DELETE/);
    await cluster.caughtUp('tracker');
    expect(ok(await server.gql(SUMMARY, {}, water)).programmeSummary.organisations).toBe(15);

    // 3. the standby lags (replay paused): stale figures with their asOf, the caller's own scope, fresh reads elsewhere
    const before = ok(await server.gql(SUMMARY, {}, water)).programmeSummary;
    await cluster.standby.sql('tracker', 'SELECT pg_wal_replay_pause()');
    const lagFrom = Date.now();
    await importOrganisations(server, 5, 'REPL', 'WATER');
    const minted = await newToken(server, { role: 'liaison', sectors: ['WATER'] }); // written after the pause
    const stale = ok(await server.gql(SUMMARY, {}, water)).programmeSummary;
    const staleEnergy = ok(await server.gql(SUMMARY, {}, energy)).programmeSummary;
    const freshList = ok(await server.gql(LIST, {}, water)).organisations.totalCount;
    const newCaller = await server.gql(SUMMARY, {}, minted.token);
    // an edit answers what it wrote, and the next read says so too (the programme list is read from the primary)
    const [programme] = ok(await server.gql(PROGRAMMES)).programmes;
    const renamed = ok(
      await server.gql(RENAME, { input: { id: programme.id, version: programme.version, name: 'Renamed while the standby lags' } }),
    ).updateProgramme;
    const listed = ok(await server.gql(PROGRAMMES)).programmes.find((p: { id: string }) => p.id === programme.id);
    expect(renamed).toEqual({ id: programme.id, version: programme.version + 1, name: 'Renamed while the standby lags' });
    expect(listed).toEqual(renamed);
    expect(stale).toEqual(before); // 15 and the asOf of when they were true
    expect(staleEnergy.organisations).toBe(7);
    expect(freshList).toBe(20);
    expect(ok(newCaller).programmeSummary.organisations).toBe(15);
    await cluster.standby.sql('tracker', 'SELECT pg_wal_replay_resume()');
    const caughtUp = await waitFor(
      'the standby to replay the new rows',
      async () => {
        const s = ok(await server.gql(SUMMARY, {}, water)).programmeSummary;
        return s.organisations === 20 && s;
      },
      20_000,
    );
    expect(new Date(caughtUp.asOf).getTime()).toBeGreaterThan(new Date(before.asOf).getTime());
    const lagSeconds = (Date.now() - lagFrom) / 1000;

    // 4. the standby stops: the summary falls back to the primary or answers SERVICE_UNAVAILABLE, never a 500;
    //    everything else goes on as before
    await cluster.standby.stop();
    const down: GqlResponse[] = [];
    for (let i = 0; i < 5; i++) down.push(await server.gql(SUMMARY, {}, water));
    const listDown = ok(await server.gql(LIST, {}, water)).organisations.totalCount;
    await importOrganisations(server, 2, 'REPD', 'WATER');
    const downOutcomes = down.map((r) => (r.errors ? String(errorCode(r)) : `ok:${r.data.programmeSummary.organisations}`));
    for (const outcome of downOutcomes) expect(['SERVICE_UNAVAILABLE', 'ok:20']).toContain(outcome);
    expect(down.every((r) => r.status !== 500)).toBe(true);
    expect(listDown).toBe(20);

    // 5. it returns: the summary is read there again, without a restart of the API
    await cluster.standby.start();
    const returnedAt = Date.now();
    await waitFor(
      'a summary from the returned standby',
      async () => {
        const s0 = cluster.standby.log.mark();
        const r = await server.gql(SUMMARY, {}, water);
        return !r.errors && r.data.programmeSummary.organisations === 22 && AGGREGATE.test(cluster.standby.log.since(s0));
      },
      30_000,
      200,
    );
    const recoverySeconds = (Date.now() - returnedAt) / 1000;
    expect(recoverySeconds).toBeLessThan(15);

    report(
      'read replica',
      'aggregates ran on the standby and nowhere else, writes and credential lookups on the primary, scope held on both; lagging: stale figures with their asOf; standby down: no 500; back without a restart',
      {
        aggregatesOnStandby,
        aggregatesOnPrimary: 0,
        staleWhileLagging: `${stale.organisations}/20`,
        lagSeconds: lagSeconds.toFixed(1),
        whileDown: [...new Set(downOutcomes)].join('+'),
        recoverySeconds: recoverySeconds.toFixed(1),
      },
    );
  }, 120_000);
});
