import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { newFootprint, newOrganisation, newToken } from './support/factories';
import { errorCode, ok, startServer, TestServer } from './support/server';

const NOW = '2024-09-22T15:00:00Z';
const OUTPUT = join(__dirname, '..', 'test-output');

describe('dashboards: aggregates, exports and the page', () => {
  let server: TestServer;
  let viewer: string;
  let liaison: string;

  beforeAll(async () => {
    server = await startServer({ now: NOW });
    const seeded = await server.cli('seed:demo');
    expect(seeded.code).toBe(0);
    viewer = (await newToken(server, { role: 'viewer' })).token;
    liaison = (await newToken(server, { role: 'liaison', sectors: ['WATER', 'ENERGY'] })).token;
  }, 120_000);
  afterAll(() => server?.stop());

  const SUMMARY = `{ programmeSummary { organisations daysToCutoff byStatus { status organisations } endpointsTotal endpointsRemaining shareRemoved shareVerified
    milestonesByState { state milestones } milestonesOverdue extensionsOpen extensionsGranted } }`;

  it("agrees with a direct SQL count, for an admin and for a liaison's slice", async () => {
    const admin = ok(await server.gql(SUMMARY)).programmeSummary;
    const statuses = await server.sql(`SELECT status, count(*)::int AS n FROM organisation_status GROUP BY status`);
    for (const { status, n } of statuses) expect(admin.byStatus.find((b: any) => b.status === status).organisations).toBe(n);
    const [fp] = await server.sql(`SELECT sum(endpoint_count)::float8 AS total, sum(endpoints_remaining)::float8 AS remaining FROM footprint`);
    expect(admin).toMatchObject({ organisations: 320, endpointsTotal: fp.total, endpointsRemaining: fp.remaining, daysToCutoff: 6.5 });
    const [ms] = await server.sql(
      `SELECT count(*) FILTER (WHERE state = 'BLOCKED')::int AS blocked, count(*) FILTER (WHERE state <> 'DONE' AND target_at < $1)::int AS overdue FROM milestone`,
      [NOW],
    );
    expect(admin.milestonesByState.find((m: any) => m.state === 'BLOCKED').milestones).toBe(ms.blocked);
    expect(admin.milestonesOverdue).toBe(ms.overdue);
    const [ext] = await server.sql(`SELECT count(*) FILTER (WHERE state = 'REQUESTED')::int AS open FROM extension`);
    expect(admin.extensionsOpen).toBe(ext.open);

    const slice = ok(await server.gql(SUMMARY, {}, liaison)).programmeSummary;
    const [{ n }] = await server.sql(
      `SELECT count(*)::int AS n FROM organisation WHERE primary_sector_code IN ('WATER', 'ENERGY') OR secondary_sector_codes && ARRAY['WATER', 'ENERGY']`,
    );
    expect(slice.organisations).toBe(n);
    const sectors = ok(await server.gql('{ breakdown(by: SECTOR) { key organisations } }', {}, liaison)).breakdown;
    const [{ m }] = await server.sql(
      `SELECT count(*)::int AS m FROM organisation WHERE primary_sector_code = 'ENERGY' OR 'ENERGY' = ANY(secondary_sector_codes)`,
    );
    expect(sectors.reduce((s: number, r: any) => s + r.organisations, 0)).toBe(n);
    expect(m).toBeGreaterThan(0);
  });

  it.each(['SECTOR', 'SRMA', 'STATE', 'REGION', 'ENVIRONMENT'])('breaks the figures down by %s, summing to the whole', async (by) => {
    const rows = ok(await server.gql(`{ breakdown(by: ${by}) { key label organisations endpointsRemaining suppressed } }`)).breakdown;
    expect(rows.reduce((s: number, r: any) => s + r.organisations, 0)).toBe(320);
    if (by === 'REGION') {
      const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM organisation o JOIN us_state s ON s.code = o.state_code WHERE s.region = 6`);
      expect(rows.find((r: any) => r.key === '6')).toMatchObject({ label: 'Region 6 (Dallas)', organisations: n });
    }
  });

  it('never shows a viewer a cell under 5 organisations', async () => {
    const answers = ok(
      await server.gql(
        `{ ${['SECTOR', 'SRMA', 'STATE', 'REGION', 'ENVIRONMENT'].map((by) => `${by.toLowerCase()}: breakdown(by: ${by}) { key suppressed organisations verified byStatus { organisations } }`).join(' ')}
      programmeSummary { organisations byStatus { organisations } } }`,
        {},
        viewer,
      ),
    );
    const counts: number[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'organisations' || k === 'verified') && typeof x === 'number') counts.push(x);
          else walk(x);
        }
    };
    walk(answers);
    expect(counts.length).toBeGreaterThan(100);
    expect(counts.filter((c) => c > 0 && c < 5)).toEqual([]);
    // the same cells an admin sees with their small numbers are empty for the viewer
    const adminStates = ok(await server.gql('{ breakdown(by: STATE) { key byStatus { organisations } } }')).breakdown;
    const small = adminStates
      .flatMap((r: any) => r.byStatus.map((b: any, i: number) => ({ key: r.key, i, n: b.organisations })))
      .filter((c: any) => c.n > 0 && c.n < 5);
    expect(small.length).toBeGreaterThan(0);
    for (const c of small) expect(answers.state.find((r: any) => r.key === c.key).byStatus[c.i].organisations).toBeNull();
    expect(errorCode(await server.gql('{ atRisk { totalCount } }', {}, viewer))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql('{ organisations { totalCount } }', {}, viewer))).toBe('FORBIDDEN');
  });

  it('ranks the at-risk list by score with reasons, in scope, paginated', async () => {
    const connection =
      'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { riskScore reasons { code points } organisation { id primarySector { code } } } }';
    const page1 = ok(await server.gql(`{ atRisk(first: 10) { ${connection} } }`, {}, liaison)).atRisk;
    const page2 = ok(await server.gql(`query($a: String) { atRisk(first: 10, after: $a) { ${connection} } }`, { a: page1.pageInfo.endCursor }, liaison)).atRisk;
    expect(page1.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: page1.edges[0].cursor, endCursor: page1.edges[9].cursor });
    expect(page2.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: page2.edges[0].cursor, endCursor: page2.edges.at(-1).cursor });
    const entries = [...page1.edges, ...page2.edges].map((e: any) => e.node);
    const scores = entries.map((e: any) => e.riskScore);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(entries.map((e: any) => e.organisation.id)).size).toBe(20);
    for (const e of page1.edges.map((x: any) => x.node))
      expect(e.reasons.reduce((s: number, r: any) => s + r.points, 0)).toBeGreaterThanOrEqual(Math.min(e.riskScore, 100));
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id
      WHERE s.status <> 'COMPLETE' AND (o.primary_sector_code IN ('WATER', 'ENERGY') OR o.secondary_sector_codes && ARRAY['WATER', 'ENERGY'])`);
    expect(page1.totalCount).toBe(n);
  });

  it('draws a burn-down from daily snapshots and projects the finish', async () => {
    const b = ok(await server.gql('{ burndown(days: 90) { points { day endpointsRemaining organisationsNotDone } pacePerDay projectedFinish } }')).burndown;
    expect(b.points.length).toBeGreaterThanOrEqual(90);
    expect(b.points.at(-1).day).toBe('2024-09-22');
    expect(b.pacePerDay).toBeGreaterThan(0);
    expect(b.projectedFinish).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const [fp] = await server.sql(`SELECT sum(endpoints_remaining)::float8 AS remaining FROM footprint`);
    expect(b.points.at(-1).endpointsRemaining).toBe(fp.remaining);
  });

  it('backfills days without a snapshot from the audit history', async () => {
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: '2024-09-23T15:00:00Z' }));
    const org = await newOrganisation(server, { primarySector: 'NUCLEAR', name: 'Backfill Isotopes' });
    const f = await newFootprint(server, org.id, { endpointCount: 100 });
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: '2024-09-24T15:00:00Z' }));
    ok(
      await server.gql('mutation($input: UpdateFootprintInput!) { updateFootprint(input: $input) { id } }', {
        input: { id: f.id, version: f.version, endpointsRemaining: 40 },
      }),
    );
    const inserted = ok(await server.gql('mutation { backfillSnapshots(from: "2024-09-23T00:00:00Z", to: "2024-09-24T00:00:00Z") }')).backfillSnapshots;
    expect(inserted).toBeGreaterThan(0);
    const rows = await server.sql(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, endpoints_total::int AS t, endpoints_remaining::int AS r, source FROM daily_snapshot WHERE sector_code = 'NUCLEAR' AND day >= '2024-09-23' ORDER BY day`,
    );
    expect(rows).toEqual([
      { day: '2024-09-23', t: 100, r: 100, source: 'BACKFILL' },
      { day: '2024-09-24', t: 100, r: 40, source: 'BACKFILL' },
    ]);
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: NOW }));
  });

  it('exports the organisation list and the sector summary as streamed CSV with a TLP line', async () => {
    const get = (path: string, token: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const response = await get('/export/organisations.csv?sector=ENERGY&status=OVERDUE', server.adminToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('TLP:AMBER');
    expect(lines[1]).toMatch(/^id,external_key,name,primary_sector/);
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM organisation o JOIN organisation_status s ON s.organisation_id = o.id
      WHERE (o.primary_sector_code = 'ENERGY' OR 'ENERGY' = ANY(o.secondary_sector_codes)) AND s.status = 'OVERDUE' AND o.archived_at IS NULL`);
    expect(lines.length - 2).toBe(n);
    expect((await get('/export/organisations.csv', viewer)).status).toBe(403);
    expect((await fetch(`${server.url}/export/organisations.csv`)).status).toBe(401);
    expect((await get('/export/organisations.csv?region=99', server.adminToken)).status).toBe(400);
    const sectors = (await (await get('/export/sectors.csv', viewer)).text()).split('\r\n');
    expect(sectors[0]).toBe('TLP:GREEN');
    expect(sectors.length).toBeGreaterThanOrEqual(18);
  });

  describe('the page, in a real browser', () => {
    let browser: Browser;
    /** Opens the page and types the token into its field, as a person does. */
    async function signIn(page: Page, token: string, open = true) {
      if (open) await page.goto(`${server.url}/dashboard`);
      await page.fill('#token', token);
      await page.click('#token-form button[type="submit"]');
    }
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    });
    afterAll(() => browser?.close());

    it('renders the seeded demo with every chart filled and the figures of the API, and drills down', async () => {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
      const errors: string[] = [];
      const sent: Array<{ persisted?: boolean; query?: string }> = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/graphql')) sent.push(JSON.parse(r.postData() ?? '{}'));
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await signIn(page, server.adminToken);
      await page.waitForSelector('#atrisk tr[data-org]', { timeout: 20_000 });
      const summary = ok(await server.gql(SUMMARY)).programmeSummary;
      const text = (id: string) => page.textContent(`[data-testid="${id}"]`);
      expect(await text('organisations')).toBe(summary.organisations.toLocaleString('en-US'));
      expect(await text('endpoints-remaining')).toBe(summary.endpointsRemaining.toLocaleString('en-US'));
      expect(await text('share-removed')).toBe(`${(summary.shareRemoved * 100).toFixed(1)}%`);
      expect(await text('countdown')).toMatch(/^6d 13h\s*to the cutoff$/); // 2024-09-22T15:00Z to 2024-09-29T04:00Z
      const charts = await page.evaluate(() =>
        Object.values((window as any).Chart.instances).map((c: any) => ({
          type: c.config.type,
          points: c.data.datasets[0].data.length,
          sum: c.data.datasets[0].data.reduce((a: number, b: number) => a + b, 0),
        })),
      );
      expect(charts.map((c) => c.type).sort()).toEqual(['bar', 'doughnut', 'line']);
      for (const c of charts) expect(c.points > 0 && c.sum > 0).toBe(true);
      expect(await page.locator('#heatmap tr[data-sector]').count()).toBe(16);
      expect(await page.locator('#regions tr[data-region]').count()).toBe(10);
      // products: reported and verified side by side, as the API gives them (issue 18)
      const products = ok(await server.gql('{ breakdown(by: PRODUCT) { key endpointsRemaining endpointsRemainingVerified } }')).breakdown;
      expect(products.length).toBeGreaterThan(3);
      expect(await page.locator('#products tr[data-product]').count()).toBe(products.length);
      for (const p of products.slice(0, 3)) {
        expect(await page.textContent(`#products tr[data-product="${p.key}"] [data-testid="reported"]`)).toBe(p.endpointsRemaining.toLocaleString('en-US'));
        expect(await page.textContent(`#products tr[data-product="${p.key}"] [data-testid="verified"]`)).toBe(
          p.endpointsRemainingVerified.toLocaleString('en-US'),
        );
      }
      await page.locator('#atrisk tr[data-org]').first().click();
      await page.waitForSelector('[data-testid="drill-milestones"] tr:nth-child(2)');
      expect(await page.textContent('[data-testid="drill-reported-verified"]')).toMatch(/^remaining: [\d,]+ reported · [\d,]+ verified\s+on [\d,]+ endpoints/);
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'dashboard.png'), fullPage: true });
      expect(errors).toEqual([]);
      // persisted queries: the page sends the hashes of its known documents (figures, at-risk list, drill-down), never a document
      expect(sent.length).toBeGreaterThanOrEqual(3);
      for (const body of sent) expect(body).toMatchObject({ persisted: true, query: expect.stringMatching(/^[0-9a-f]{64}$/) });
      await page.close();
    });

    it('shows a viewer the figures with small cells hidden and no organisation names', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, viewer);
      await page.waitForFunction(() => document.querySelector('#atrisk')?.textContent?.includes('needs a liaison or admin token'));
      expect(await page.locator('#atrisk tr[data-org]').count()).toBe(0);
      await page.screenshot({ path: join(OUTPUT, 'dashboard-viewer.png') });
      await page.close();
    });

    it('takes no token from a link, keeps the one typed in this tab only, and signs out', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const carried: string[] = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/graphql')) carried.push(r.headers().authorization ?? '');
      });
      // a link with the token in its fragment: the token is not used and leaves the address
      await page.goto(`${server.url}/dashboard#token=${viewer}`);
      await page.waitForFunction(() => document.querySelector('#message')?.textContent?.includes('A token in a link is not used'));
      expect(page.url()).toBe(`${server.url}/dashboard`);
      expect(carried).toEqual([]);
      // typed in: used, kept in this tab's sessionStorage and nowhere else
      await signIn(page, viewer, false);
      await page.waitForSelector('#content:not([hidden])');
      expect(carried.length).toBeGreaterThan(0);
      expect(carried.every((h) => h === `Bearer ${viewer}`)).toBe(true);
      expect(
        await page.evaluate(() => [
          sessionStorage.getItem('tracker-token'),
          localStorage.getItem('tracker-token'),
          (document.getElementById('token') as HTMLInputElement).value,
        ]),
      ).toEqual([viewer, null, '']);
      // signed out: no token anywhere in the page, no figures on screen, and what it loads next carries none
      await page.click('#sign-out');
      await page.waitForSelector('#content[hidden]', { state: 'attached' });
      expect(
        await page.evaluate(() => [
          sessionStorage.getItem('tracker-token'),
          document.getElementById('sign-out')!.hidden,
          document.querySelector('[data-testid="organisations"]')!.textContent,
        ]),
      ).toEqual([null, true, '–']);
      carried.length = 0;
      await page.reload();
      await page.waitForFunction(() => document.querySelector('#message')?.textContent?.includes('Enter an API token'));
      expect(carried).toEqual([]);
      await page.close();
    });
  });
});

describe('dashboards: the aggregate cache', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ now: NOW, env: { DASHBOARD_CACHE_MS: '600000' } });
    await newOrganisation(server, { primarySector: 'WATER' });
    await newOrganisation(server, { primarySector: 'ENERGY' });
  }, 120_000);
  afterAll(() => server?.stop());

  const QUERY = '{ programmeSummary { organisations } breakdown(by: SECTOR) { key organisations } }';

  it('answers a repeated aggregate from memory, and never gives one scope the figures of another', async () => {
    const first = await server.gql(QUERY);
    const again = await server.gql(QUERY);
    expect(ok(again)).toEqual(ok(first));
    expect(first.statements).toBeGreaterThan(again.statements); // the second asks the database only who is calling
    expect(again.statements).toBeLessThanOrEqual(1);

    const water = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
    const slice = ok(await server.gql(QUERY, {}, water));
    expect(slice.programmeSummary.organisations).toBe(1);
    expect(slice.breakdown.map((r: any) => r.key)).toEqual(['WATER']);
    expect(ok(await server.gql(QUERY)).programmeSummary.organisations).toBe(2);
  });

  it('keeps the at-risk page live while its total may come from the cache', async () => {
    const page = async () => ok(await server.gql('{ atRisk(first: 50) { totalCount edges { node { organisation { name } } } } }')).atRisk;
    const before = await page();
    const created = await newOrganisation(server, { primarySector: 'DAMS', name: 'Live Dam Authority' });
    expect(created.id).toBeDefined();
    const after = await page();
    expect(after.edges.map((e: any) => e.node.organisation.name)).toContain('Live Dam Authority');
    expect(after.totalCount).toBe(before.totalCount); // the total is the cached aggregate, up to DASHBOARD_CACHE_MS old
  });
});
