import { errorCode, ok, startServer, TestServer } from './support/server';
import { newFootprint, newOrganisation, newToken } from './support/factories';

/*
 * Issue 18, items 1 and 3: which organisations run product X (filters, the product and white-label
 * vendor breakdowns, the CSV export), and reported versus verified (a staff edit is not a report; a
 * liaison's verified remaining count beside the reported one, with the staleness of each).
 */
const NOW = '2024-09-22T14:00:00.000Z';

describe('products, and reported versus verified', () => {
  let server: TestServer;
  let liaison: string;
  let viewer: string;
  const orgs: Record<string, { id: string }> = {};
  const rows: Record<string, { id: string; version: number }> = {};
  const reporters: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer({ now: NOW });
    liaison = (await newToken(server, { role: 'liaison', sectors: ['ENERGY'] })).token;
    viewer = (await newToken(server, { role: 'viewer' })).token;
    // A and B run KICS for Nodes in ENERGY (B has none left); C runs it in WATER (outside the liaison's sectors);
    // D and E run white-label engines; A also runs KES Advanced
    orgs.A = await newOrganisation(server, { name: 'Alpha Power', primarySector: 'ENERGY' });
    orgs.B = await newOrganisation(server, { name: 'Bravo Power', primarySector: 'ENERGY' });
    orgs.C = await newOrganisation(server, { name: 'Charlie Water', primarySector: 'WATER' });
    orgs.D = await newOrganisation(server, { name: 'Delta Gas', primarySector: 'ENERGY' });
    orgs.E = await newOrganisation(server, { name: 'Echo Grid', primarySector: 'ENERGY' });
    for (const k of Object.keys(orgs)) reporters[k] = (await newToken(server, { role: 'reporter', organisationId: orgs[k].id })).token;
    rows.A = await newFootprint(
      server,
      orgs.A.id,
      { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 40, endpointsRemaining: 30, updateChannel: 'OFFLINE' },
      reporters.A,
    );
    rows.A2 = await newFootprint(server, orgs.A.id, { productCode: 'KES_ADVANCED', environment: 'IT', endpointCount: 100 }, reporters.A);
    rows.B = await newFootprint(server, orgs.B.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 10, endpointsRemaining: 0 }, reporters.B);
    rows.C = await newFootprint(server, orgs.C.id, { productCode: 'KICS_NODES', environment: 'OT', endpointCount: 20 }, reporters.C);
    rows.D = await newFootprint(
      server,
      orgs.D.id,
      { productCode: 'WHITE_LABEL', productName: 'Edge mail filter', vendor: 'Example Networks', environment: 'MAIL_GATEWAY', endpointCount: 5 },
      reporters.D,
    );
    rows.E = await newFootprint(
      server,
      orgs.E.id,
      { productCode: 'WHITE_LABEL', productName: 'Gateway', vendor: 'Other Gateways', environment: 'MAIL_GATEWAY', endpointCount: 3 },
      reporters.E,
    );
  });
  afterAll(async () => server?.stop());

  const differences = async () => server.sql(`SELECT * FROM dashboard_cell_differences()`);

  describe('1. which organisations run product X', () => {
    const ANSWER = `query($f: OrganisationFilter) {
      organisations(filter: $f) { totalCount edges { node { name footprint { product { code } environment endpointsRemaining verifiedRemaining } } } }
      breakdown(by: PRODUCT) { key label organisations endpointsTotal endpointsRemaining endpointsRemainingVerified } }`;

    it("answers a liaison's 'who still runs KICS for Nodes in my sectors, and how many nodes remain' in one query, in its scope", async () => {
      const data = ok(await server.gql(ANSWER, { f: { product: 'KICS_NODES', stillRunning: true } }, liaison));
      expect(data.organisations.totalCount).toBe(1);
      expect(data.organisations.edges.map((e: any) => e.node.name)).toEqual(['Alpha Power']);
      const kics = data.breakdown.find((r: any) => r.key === 'KICS_NODES');
      // Alpha and Bravo run it in ENERGY (Bravo has removed it all); Charlie's WATER nodes are outside the scope
      expect(kics).toEqual({
        key: 'KICS_NODES',
        label: 'Kaspersky Industrial CyberSecurity for Nodes',
        organisations: 2,
        endpointsTotal: 50,
        endpointsRemaining: 30,
        endpointsRemainingVerified: 0,
      });
      expect(data.breakdown.map((r: any) => r.key).sort()).toEqual(['KES_ADVANCED', 'KICS_NODES', 'WHITE_LABEL']);
      // an admin sees every sector
      const all = ok(await server.gql(ANSWER, { f: { product: 'KICS_NODES' } }));
      expect(all.organisations.edges.map((e: any) => e.node.name)).toEqual(['Alpha Power', 'Bravo Power', 'Charlie Water']);
      expect(all.breakdown.find((r: any) => r.key === 'KICS_NODES')).toMatchObject({ organisations: 3, endpointsRemaining: 50 });
    });

    it('filters by environment and by white-label vendor, and breaks down by vendor', async () => {
      const names = async (f: Record<string, unknown>, token?: string) =>
        ok(await server.gql(`query($f: OrganisationFilter) { organisations(filter: $f) { edges { node { name } } } }`, { f }, token)).organisations.edges.map(
          (e: any) => e.node.name,
        );
      expect(await names({ environment: 'OT' }, liaison)).toEqual(['Alpha Power', 'Bravo Power']);
      expect(await names({ environment: 'OT', stillRunning: true })).toEqual(['Alpha Power', 'Charlie Water']);
      expect(await names({ product: 'KES_ADVANCED', environment: 'OT' })).toEqual([]);
      expect(await names({ whiteLabelVendor: '  example NETWORKS ' })).toEqual(['Delta Gas']);
      expect(await names({ product: 'WHITE_LABEL' }, liaison)).toEqual(['Delta Gas', 'Echo Grid']);
      const vendors = ok(await server.gql(`{ breakdown(by: WHITE_LABEL_VENDOR) { key organisations endpointsTotal } }`)).breakdown;
      expect(vendors).toEqual([
        { key: 'Example Networks', organisations: 1, endpointsTotal: 5 },
        { key: 'Other Gateways', organisations: 1, endpointsTotal: 3 },
      ]);
    });

    it('refuses a bad filter with BAD_USER_INPUT', async () => {
      const q = `query($f: OrganisationFilter) { organisations(filter: $f) { totalCount } }`;
      expect(errorCode(await server.gql(q, { f: { product: "KICS'; DROP TABLE footprint; --" } }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await server.gql(q, { f: { stillRunning: true } }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await server.gql(q, { f: { environment: 'SPACE' } }))).toBe('BAD_USER_INPUT');
      const csv = await fetch(`${server.url}/export/organisations.csv?product=bad%20code`, { headers: { authorization: `Bearer ${liaison}` } });
      expect(csv.status).toBe(400);
    });

    it('costs the same statements for a page of 1 and a page of 50 with the product filter and nested footprint', async () => {
      const q = `query($n: Int) { organisations(first: $n, filter: { product: "KICS_NODES" }) { edges { node { name footprint { endpointsRemaining } reportedAndVerified { reportStale } } } } }`;
      const one = await server.gql(q, { n: 1 });
      const fifty = await server.gql(q, { n: 50 });
      ok(fifty);
      expect(fifty.data.organisations.edges).toHaveLength(3);
      expect(one.statements).toBe(fifty.statements);
    });

    it("lists each organisation's products in the CSV export, filtered by product, in the liaison's scope", async () => {
      const response = await fetch(`${server.url}/export/organisations.csv?product=KICS_NODES`, { headers: { authorization: `Bearer ${liaison}` } });
      expect(response.status).toBe(200);
      const [tlp, head, ...lines] = (await response.text()).trim().split('\r\n');
      expect(tlp).toBe('TLP:AMBER');
      const columns = head.split(',');
      expect(columns).toEqual(expect.arrayContaining(['products', 'report_stale', 'endpoints_remaining_verified', 'verification_stale']));
      const cell = (line: string, name: string) => line.split(',')[columns.indexOf(name)];
      expect(lines.map((l) => cell(l, 'name'))).toEqual(['Alpha Power', 'Bravo Power']);
      expect(cell(lines[0], 'products')).toBe('KICS_NODES OT 30/40; KES_ADVANCED IT 100/100');
      expect(cell(lines[1], 'products')).toBe('KICS_NODES OT 0/10');
    });

    it('shows a viewer the product breakdown with small rows suppressed and no verified figures', async () => {
      const rowsSeen = ok(
        await server.gql(`{ breakdown(by: PRODUCT) { key suppressed organisations endpointsTotal endpointsRemainingVerified reportsStale } }`, {}, viewer),
      ).breakdown;
      // every product here runs at fewer than 5 organisations
      expect(rowsSeen.length).toBe(3);
      for (const r of rowsSeen)
        expect(r).toMatchObject({ suppressed: true, organisations: null, endpointsTotal: null, endpointsRemainingVerified: null, reportsStale: null });
      // vendors' names are free text: a viewer is not told the names of vendors used by fewer than 5 organisations
      expect(ok(await server.gql(`{ breakdown(by: WHITE_LABEL_VENDOR) { key } }`, {}, viewer)).breakdown).toEqual([]);
      const summary = ok(await server.gql(`{ programmeSummary { endpointsRemainingVerified verificationsStale } }`, {}, viewer)).programmeSummary;
      expect(summary).toEqual({ endpointsRemainingVerified: null, verificationsStale: null });
      expect(await differences()).toEqual([]);
    });
  });

  describe('3. reported versus verified', () => {
    const RV = `query($id: ID!) { organisation(id: $id) { lastReportedAt footprint { id version endpointsRemaining verifiedRemaining verifiedBy verifiedAt }
      reportedAndVerified { reportedAt reportAgeDays reportStale endpointsRemainingReported endpointsVerified endpointsRemainingVerified rowsUnverified
        latestVerificationAt latestVerifiedBy verificationAgeDays verificationStale } } }`;

    it('a staff edit is not a report: only the organisation itself moves its report time', async () => {
      const org = await newOrganisation(server, { name: 'Foxtrot Power', primarySector: 'ENERGY' });
      const row = await newFootprint(server, org.id, { endpointCount: 50 }, liaison);
      const read = async () => ok(await server.gql(RV, { id: org.id })).organisation;
      expect((await read()).lastReportedAt).toBeNull();
      // a liaison's update, an admin's self-report form: edits, not reports
      ok(
        await server.gql(
          `mutation($i: UpdateFootprintInput!) { updateFootprint(input: $i) { version } }`,
          { i: { id: row.id, version: row.version, endpointsRemaining: 45 } },
          liaison,
        ),
      );
      ok(
        await server.gql(`mutation($i: SelfReportInput!) { submitSelfReport(input: $i) { organisation { id } } }`, {
          i: { organisationId: org.id, footprint: [{ id: row.id, version: row.version + 1, endpointsRemaining: 44 }] },
        }),
      );
      let seen = await read();
      expect(seen.lastReportedAt).toBeNull();
      expect(seen.reportedAndVerified).toMatchObject({ reportedAt: null, reportAgeDays: null, reportStale: true, endpointsRemainingReported: 44 });
      const stored = await server.sql(`SELECT status, report_stale FROM organisation_status WHERE organisation_id = $1`, [org.id]);
      expect(stored).toEqual([{ status: expect.any(String), report_stale: true }]);
      // the organisation's own report moves it
      const reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
      ok(
        await server.gql(
          `mutation($i: SelfReportInput!) { submitSelfReport(input: $i) { organisation { id } } }`,
          { i: { organisationId: org.id, footprint: [{ id: row.id, version: row.version + 2, endpointsRemaining: 40 }] } },
          reporter,
        ),
      );
      seen = await read();
      expect(seen.lastReportedAt).toBe(NOW);
      expect(seen.reportedAndVerified).toMatchObject({ reportedAt: NOW, reportAgeDays: 0, reportStale: false, endpointsRemainingReported: 40 });
      // and a later staff edit leaves it where the organisation put it
      ok(
        await server.gql(`mutation($i: UpdateFootprintInput!) { updateFootprint(input: $i) { version } }`, {
          i: { id: row.id, version: row.version + 3, endpointsRemaining: 39 },
        }),
      );
      expect((await read()).lastReportedAt).toBe(NOW);
      expect((await server.sql(`SELECT report_stale FROM organisation_status WHERE organisation_id = $1`, [org.id]))[0].report_stale).toBe(false);
    });

    it('keeps a verified remaining count with who verified it and when, beside the reported one, in the organisation, the dashboard and the export', async () => {
      const who = await newToken(server, { role: 'liaison', sectors: ['ENERGY'], label: 'DOE verifier' });
      const before = ok(await server.gql(RV, { id: orgs.A.id })).organisation;
      const kics = before.footprint.find((f: any) => f.id === rows.A.id);
      expect(before.reportedAndVerified).toMatchObject({
        endpointsRemainingReported: 130,
        endpointsVerified: 0,
        endpointsRemainingVerified: 0,
        rowsUnverified: 2,
        verificationStale: true,
        latestVerificationAt: null,
      });
      const verify = `mutation($i: VerifyFootprintInput!) { verifyFootprint(input: $i) { endpointsRemaining verifiedRemaining verifiedBy verifiedAt version } }`;
      // bad input and other roles change nothing
      expect(errorCode(await server.gql(verify, { i: { id: kics.id, version: kics.version, verifiedRemaining: 41 } }, who.token))).toBe('BAD_USER_INPUT');
      expect(errorCode(await server.gql(verify, { i: { id: kics.id, version: kics.version, verifiedRemaining: -1 } }, who.token))).toBe('BAD_USER_INPUT');
      expect(errorCode(await server.gql(verify, { i: { id: kics.id, version: kics.version, verifiedRemaining: 3 } }, reporters.A))).toBe('FORBIDDEN');
      const outsider = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
      expect(errorCode(await server.gql(verify, { i: { id: kics.id, version: kics.version, verifiedRemaining: 3 } }, outsider))).toBe('NOT_FOUND');
      expect(errorCode(await server.gql(verify, { i: { id: kics.id, version: kics.version + 5, verifiedRemaining: 3 } }, who.token))).toBe('CONFLICT');
      expect((await server.sql(`SELECT verified_remaining FROM footprint WHERE id = $1`, [kics.id]))[0].verified_remaining).toBeNull();

      const done = ok(await server.gql(verify, { i: { id: kics.id, version: kics.version, verifiedRemaining: 34 } }, who.token)).verifyFootprint;
      expect(done).toEqual({ endpointsRemaining: 30, verifiedRemaining: 34, verifiedBy: `credential:${who.id}`, verifiedAt: NOW, version: kics.version + 1 });
      const after = ok(await server.gql(RV, { id: orgs.A.id })).organisation;
      expect(after.reportedAndVerified).toEqual({
        reportedAt: NOW,
        reportAgeDays: 0,
        reportStale: false,
        endpointsRemainingReported: 130,
        endpointsVerified: 40,
        endpointsRemainingVerified: 34,
        rowsUnverified: 1,
        latestVerificationAt: NOW,
        latestVerifiedBy: `credential:${who.id}`,
        verificationAgeDays: null,
        verificationStale: true,
      });
      // a verification is not a report, and it is audited
      expect(after.lastReportedAt).toBe(NOW);
      const audit = await server.sql(`SELECT actor, action, after FROM audit_event WHERE entity_id = $1 AND action = 'verify'`, [kics.id]);
      expect(audit).toEqual([
        { actor: `credential:${who.id}`, action: 'verify', after: expect.objectContaining({ verifiedRemaining: 34, reportedRemaining: 30 }) },
      ]);

      // the dashboard: side by side, in the summary, the product row and the sector row
      const dash = ok(
        await server.gql(
          `{ programmeSummary { endpointsRemaining endpointsVerified endpointsRemainingVerified reportsStale verificationsStale }
        product: breakdown(by: PRODUCT) { key endpointsRemaining endpointsVerified endpointsRemainingVerified verificationsStale }
        sector: breakdown(by: SECTOR) { key endpointsRemaining endpointsRemainingVerified } }`,
          {},
          liaison,
        ),
      );
      expect(dash.product.find((r: any) => r.key === 'KICS_NODES')).toEqual({
        key: 'KICS_NODES',
        endpointsRemaining: 30,
        endpointsVerified: 40,
        endpointsRemainingVerified: 34,
        verificationsStale: 1,
      });
      expect(dash.programmeSummary).toMatchObject({ endpointsVerified: 40, endpointsRemainingVerified: 34 });
      expect(dash.sector).toEqual([expect.objectContaining({ key: 'ENERGY', endpointsRemainingVerified: 34 })]);
      expect(await differences()).toEqual([]);

      // the export
      const csv = await (await fetch(`${server.url}/export/organisations.csv?search=Alpha`, { headers: { authorization: `Bearer ${liaison}` } })).text();
      const [, head, line] = csv.trim().split('\r\n');
      const cells = Object.fromEntries(head.split(',').map((c, i) => [c, line.split(',')[i]]));
      expect(cells).toMatchObject({
        endpoints_remaining: '130',
        endpoints_verified: '40',
        endpoints_remaining_verified: '34',
        rows_unverified: '1',
        report_stale: 'false',
        verification_stale: 'true',
        latest_verified_by: `credential:${who.id}`,
        products: `KICS_NODES OT 30/40 verified 34 by credential:${who.id} 2024-09-22; KES_ADVANCED IT 100/100`,
      });
    });

    it('shows both going stale as the clock moves, and the cells stay equal to a fresh count after archive and a sector move', async () => {
      const kes = ok(await server.gql(RV, { id: orgs.A.id })).organisation.footprint.find((f: any) => f.id === rows.A2.id);
      ok(
        await server.gql(
          `mutation($i: VerifyFootprintInput!) { verifyFootprint(input: $i) { version } }`,
          { i: { id: kes.id, version: kes.version, verifiedRemaining: 100 } },
          liaison,
        ),
      );
      const fresh = ok(await server.gql(RV, { id: orgs.A.id })).organisation.reportedAndVerified;
      expect(fresh).toMatchObject({ rowsUnverified: 0, verificationStale: false, verificationAgeDays: 0 });
      ok(await server.gql(`mutation { setSimulatedTime(at: "2024-11-01T14:00:00Z") { now } }`));
      try {
        const later = ok(await server.gql(RV, { id: orgs.A.id })).organisation.reportedAndVerified;
        expect(later).toMatchObject({ reportAgeDays: 40, reportStale: true, verificationAgeDays: 40, verificationStale: true, rowsUnverified: 2 });
      } finally {
        ok(await server.gql(`mutation { setSimulatedTime(at: "${NOW}") { now } }`));
      }
      const org = ok(await server.gql(`query($id: ID!) { organisation(id: $id) { version } }`, { id: orgs.E.id })).organisation;
      const moved = ok(
        await server.gql(`mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { version } }`, {
          i: { id: orgs.E.id, version: org.version, primarySector: 'WATER' },
        }),
      ).updateOrganisation;
      expect(await differences()).toEqual([]);
      expect(ok(await server.gql(`{ breakdown(by: WHITE_LABEL_VENDOR) { key } }`, {}, liaison)).breakdown).toEqual([{ key: 'Example Networks' }]);
      ok(await server.gql(`mutation($i: VersionedIdInput!) { archiveOrganisation(input: $i) { id } }`, { i: { id: orgs.E.id, version: moved.version } }));
      expect(await differences()).toEqual([]);
      expect((await server.sql(`SELECT dashboard_cells_compact() AS n`))[0].n).toBeGreaterThan(0);
      expect(await differences()).toEqual([]);
      expect(ok(await server.gql(`{ breakdown(by: WHITE_LABEL_VENDOR) { key } }`)).breakdown).toEqual([{ key: 'Example Networks' }]);
    });
  });
});
