import { milestonesOf, newFootprint, newOrganisation, newToken } from './support/factories';
import { ok, startServer, TestServer } from './support/server';

const NOW = '2024-09-22T15:00:00Z';
const ORG_HEADER =
  'external_key,name,primary_sector,secondary_sectors,state,size_band,criticality_tier,primary_contact_name,primary_contact_email,primary_contact_time_zone';
const FP_HEADER =
  'organisation_external_key,deployment_key,product_code,product_name,vendor,white_label_confidence,environment,endpoint_count,endpoints_remaining,update_channel,licence_end,replacement_product,replacement_chosen_by_organisation';
const SUMMARY = '{ programmeSummary { organisations endpointsTotal endpointsRemaining byStatus { status organisations } milestonesOverdue } }';

/**
 * The dashboards' figures come from cells PostgreSQL keeps in every write's transaction (migration
 * 0028). Whatever the door a write comes through, the cells and their change log add up to what a
 * fresh GROUP BY over the status rollups gives, before the log is folded into the cells and after.
 */
describe('dashboard cells: kept by the database, equal to a fresh GROUP BY', () => {
  let server: TestServer;
  const differences = () => server.sql(`SELECT * FROM dashboard_cell_differences()`);
  const fold = async () => (await server.sql(`SELECT dashboard_cells_compact() AS n`))[0].n as number;
  const post = (kind: string, body: string) =>
    fetch(`${server.url}/import/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'text/csv' }, body });

  beforeAll(async () => {
    server = await startServer({ now: NOW, env: { DASHBOARD_CACHE_MS: '0' } });
    expect((await server.cli('seed:demo')).code).toBe(0);
  }, 120_000);
  afterAll(() => server?.stop());

  it('holds the seeded programme', async () => {
    expect(await differences()).toEqual([]);
    const [{ n }] = await server.sql(`SELECT COALESCE(sum(organisations), 0)::int AS n FROM dashboard_figures`);
    expect(n).toBe(320);
  });

  it('stays equal through imports, self-reports, status changes, moves, archiving, deletion and the hourly refresh', async () => {
    // an import of new organisations (two with secondary sectors) and their footprint, then a re-import that moves one
    const orgs = [
      `${ORG_HEADER}`,
      'CELLS-1,Cells Water One,WATER,,TX,SMALL,3,Ann,ann@cells.example,America/Chicago',
      'CELLS-2,Cells Power Two,ENERGY,WATER;DAMS,OK,MEDIUM,2,Bo,bo@cells.example,America/Chicago',
      'CELLS-3,Cells Chemical Three,CHEMICAL,ENERGY,OH,LARGE,1,Cy,cy@cells.example,America/New_York',
    ].join('\r\n');
    expect((await post('organisations', orgs)).status).toBe(200);
    const footprint = [
      FP_HEADER,
      'CELLS-1,office,KES_ADVANCED,,,,IT,120,100,SECURITY_CENTER,2025-03-31,,',
      'CELLS-2,scada,KICS_NODES,,,,OT,40,40,OFFLINE,2025-12-31,,',
      'CELLS-3,office,KES_ADVANCED,,,,IT,60,0,DIRECT,2025-03-31,,',
    ].join('\r\n');
    expect((await post('footprint', footprint)).status).toBe(200);
    expect(await differences()).toEqual([]);
    expect((await post('organisations', orgs.replace('CELLS-1,Cells Water One,WATER,,TX', 'CELLS-1,Cells Water One,WATER,ENERGY,NM'))).status).toBe(200);
    expect(await differences()).toEqual([]);

    // GraphQL writes: a new organisation with footprint, a self-report of its count and of a milestone done
    const org = await newOrganisation(server, { primarySector: 'ENERGY', secondarySectors: ['WATER'], state: 'CA' });
    const f = await newFootprint(server, org.id, { endpointCount: 50, environment: 'OT', productCode: 'KICS_NODES' });
    const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
    const [milestone] = await milestonesOf(server, org.id);
    ok(
      await server.gql(
        `mutation($input: SelfReportInput!) { submitSelfReport(input: $input) { organisation { id } } }`,
        {
          input: {
            organisationId: org.id,
            footprint: [{ id: f.id, version: f.version, endpointsRemaining: 10 }],
            milestones: [{ id: milestone.id, version: milestone.version, state: 'DONE' }],
          },
        },
        reporter,
      ),
    );
    expect(await differences()).toEqual([]);

    // a move to another sector and state, then archiving
    const [moved] = await server.sql(`SELECT id, version FROM organisation WHERE external_key = 'CELLS-3'`);
    const v = ok(
      await server.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }`, {
        input: { id: moved.id, version: moved.version, primarySector: 'WATER', secondarySectors: [], state: 'TX' },
      }),
    ).updateOrganisation.version;
    expect(await differences()).toEqual([]);
    ok(await server.gql(`mutation($input: VersionedIdInput!) { archiveOrganisation(input: $input) { id } }`, { input: { id: moved.id, version: v } }));
    expect(await differences()).toEqual([]);

    // a demo organisation archived and restored behind the application's back, and one deleted (its rows go with it)
    await server.sql(
      `UPDATE organisation SET archived_at = now() WHERE external_key = (SELECT min(external_key) FROM organisation WHERE external_key NOT LIKE 'CELLS-%' AND archived_at IS NULL)`,
    );
    expect(await differences()).toEqual([]);
    await server.sql(`UPDATE organisation SET archived_at = NULL WHERE archived_at IS NOT NULL AND external_key NOT LIKE 'CELLS-%'`);
    await server.sql(`DELETE FROM organisation WHERE external_key = 'CELLS-2'`);
    expect(await differences()).toEqual([]);

    // the hourly refresh at a later instant (overdue milestones, statuses), and the planner's own updates
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: '2024-10-05T15:00:00Z' }));
    expect((await server.cli('status', 'refresh')).code).toBe(0);
    expect((await server.cli('reminders', 'plan')).code).toBe(0);
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: NOW }));
    expect(await differences()).toEqual([]);

    // the change log folded into the cells: the same figures, from cells alone
    expect(await fold()).toBeGreaterThan(0);
    expect(await server.sql(`SELECT count(*)::int AS n FROM dashboard_cell_change`)).toEqual([{ n: 0 }]);
    expect(await server.sql(`SELECT count(*)::int AS n FROM dashboard_cell WHERE organisations = 0`)).toEqual([{ n: 0 }]);
    expect(await server.sql(`SELECT count(*)::int AS n FROM dashboard_state_cell WHERE organisations = 0`)).toEqual([{ n: 0 }]);
    expect(await differences()).toEqual([]);
  }, 120_000);

  it('checks the state cells too: one set wrong is listed as a difference, and the breakdown by state and region answers as a live GROUP BY', async () => {
    // the breakdowns by state and by region, for an admin, read the state cells (migration 0062)
    const live = await server.sql(
      `SELECT o.state_code AS key, count(*)::int AS n, sum(s.endpoints_remaining)::float8 AS remaining
       FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id WHERE o.archived_at IS NULL GROUP BY 1 ORDER BY 1`,
    );
    const byState = ok(await server.gql('{ breakdown(by: STATE) { key organisations endpointsRemaining } }')).breakdown;
    expect(
      byState.map((r: any) => ({ key: r.key, n: r.organisations, remaining: r.endpointsRemaining })).sort((a: any, b: any) => a.key.localeCompare(b.key)),
    ).toEqual(live.map((r: any) => ({ key: r.key, n: r.n, remaining: r.remaining })));
    const byRegion = ok(await server.gql('{ breakdown(by: REGION) { organisations } }')).breakdown;
    expect(byRegion.reduce((s: number, r: any) => s + r.organisations, 0)).toBe(live.reduce((s: number, r: any) => s + r.n, 0));

    const [cell] = await server.sql(
      `SELECT programme_id, state_code, environment, status, removal_verified FROM dashboard_state_cell ORDER BY state_code, status, environment, removal_verified LIMIT 1`,
    );
    const nudge = (by: number) =>
      server.sql(
        `UPDATE dashboard_state_cell SET endpoints_remaining = endpoints_remaining + $6
         WHERE programme_id = $1 AND state_code = $2 AND environment = $3 AND status = $4 AND removal_verified = $5`,
        [cell.programme_id, cell.state_code, cell.environment, cell.status, cell.removal_verified, by],
      );
    await nudge(7);
    try {
      const wrong = await differences();
      expect(wrong.map((d: any) => [d.grain, d.state_code, d.primary_sector_code])).toEqual([['state cell', cell.state_code, null]]);
    } finally {
      await nudge(-7);
    }
    expect(await differences()).toEqual([]);
  });

  it('answers the summary as a live GROUP BY would, for an admin and for a liaison whose organisations are secondary members', async () => {
    const live = async (sectors: string[] | null) => {
      const params = sectors ? [sectors] : [];
      const scope = sectors ? 'AND (o.primary_sector_code = ANY($1) OR o.secondary_sector_codes && $1)' : '';
      return server.sql(
        `SELECT count(*)::int AS n, sum(s.endpoints_total)::float8 AS total, sum(s.endpoints_remaining)::float8 AS remaining, sum(s.milestones_overdue)::int AS overdue
        FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id WHERE o.archived_at IS NULL ${scope}`,
        params,
      );
    };
    const [all] = await live(null);
    expect(ok(await server.gql(SUMMARY)).programmeSummary).toMatchObject({
      organisations: all.n,
      endpointsTotal: all.total,
      endpointsRemaining: all.remaining,
      milestonesOverdue: all.overdue,
    });
    const liaison = (await newToken(server, { role: 'liaison', sectors: ['DAMS', 'ENERGY'] })).token;
    const [mine] = await live(['DAMS', 'ENERGY']);
    expect(ok(await server.gql(SUMMARY, {}, liaison)).programmeSummary).toMatchObject({
      organisations: mine.n,
      endpointsTotal: mine.total,
      endpointsRemaining: mine.remaining,
    });
    const bySector = ok(await server.gql('{ breakdown(by: SECTOR) { key organisations } }', {}, liaison)).breakdown;
    expect(bySector.reduce((s: number, r: any) => s + r.organisations, 0)).toBe(mine.n);
  });
});
