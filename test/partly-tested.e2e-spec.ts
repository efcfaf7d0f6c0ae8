import { Queue } from 'bullmq';
import { errorCode, ok, startServer, TestServer } from './support/server';
import { newFootprint, newOrganisation, newToken } from './support/factories';

/*
 * Issue 18, item 7: proof of the parts that were only partly tested. The hourly snapshot writer (a
 * simulated day passes, the worker's scheduled job runs, a snapshot appears with the right figures), a
 * liaison's scoped CSV export, the Bull Board for an admin and its refusal for others, and the update
 * channel and licence end read back after a write.
 */
const NOW = '2024-09-22T14:00:00.000Z';
const NEXT_DAY = '2024-09-23T14:00:00.000Z';

describe('the parts only partly tested before', () => {
  let server: TestServer;
  let liaison: string;

  beforeAll(async () => {
    server = await startServer({ now: NOW, withWorker: true });
    liaison = (await newToken(server, { role: 'liaison', sectors: ['ENERGY'] })).token;
  });
  afterAll(async () => server?.stop());

  it("writes the day's snapshot when the worker's hourly job runs after a simulated day, with the cells' figures", async () => {
    const a = await newOrganisation(server, { name: 'Snapshot Power A', primarySector: 'ENERGY' });
    const b = await newOrganisation(server, { name: 'Snapshot Power B', primarySector: 'ENERGY' });
    const w = await newOrganisation(server, { name: 'Snapshot Water', primarySector: 'WATER' });
    await newFootprint(server, a.id, { endpointCount: 120, endpointsRemaining: 80 });
    await newFootprint(server, b.id, { endpointCount: 30, endpointsRemaining: 0 });
    await newFootprint(server, w.id, { endpointCount: 7, endpointsRemaining: 7 });
    const snapshots = () =>
      server.sql(`SELECT to_char(day, 'YYYY-MM-DD') AS day, sector_code, organisations, organisations_not_done, endpoints_total, endpoints_remaining, source
                                        FROM daily_snapshot WHERE sector_code IN ('ENERGY', 'WATER') ORDER BY day, sector_code`);
    expect((await snapshots()).filter((s) => s.day === '2024-09-23')).toEqual([]);

    ok(await server.gql(`mutation { setSimulatedTime(at: "${NEXT_DAY}") { now } }`));
    const queue = new Queue('maintenance', { connection: { url: server.env.REDIS_URL }, prefix: server.queuePrefix });
    try {
      // the scheduler's next hourly run (upserted by the worker at start): run it now rather than at five past the hour
      let scheduled: Awaited<ReturnType<Queue['getDelayed']>>[number] | undefined;
      for (let i = 0; i < 50 && !scheduled; i += 1) {
        scheduled = (await queue.getDelayed()).find((j) => j.name === 'refresh-statuses');
        if (!scheduled) await new Promise((r) => setTimeout(r, 100));
      }
      expect(scheduled).toBeDefined();
      expect((await queue.getJobSchedulers()).map((s) => [s.key, s.pattern])).toContainEqual(['refresh-statuses-hourly', '5 * * * *']);
      await scheduled!.promote();
      let day: any[] = [];
      for (let i = 0; i < 100 && day.length < 2; i += 1) {
        day = (await snapshots()).filter((s) => s.day === '2024-09-23');
        if (day.length < 2) await new Promise((r) => setTimeout(r, 100));
      }
      expect(day).toEqual([
        {
          day: '2024-09-23',
          sector_code: 'ENERGY',
          organisations: 2,
          organisations_not_done: 2,
          endpoints_total: '150',
          endpoints_remaining: '80',
          source: 'SNAPSHOT',
        },
        {
          day: '2024-09-23',
          sector_code: 'WATER',
          organisations: 1,
          organisations_not_done: 1,
          endpoints_total: '7',
          endpoints_remaining: '7',
          source: 'SNAPSHOT',
        },
      ]);
      // what the burn-down draws for the liaison's sectors, and the cells still equal to a fresh count
      const points = ok(await server.gql(`{ burndown(days: 3) { points { day endpointsRemaining endpointsTotal organisationsNotDone } } }`, {}, liaison))
        .burndown.points;
      expect(points.at(-1)).toEqual({ day: '2024-09-23', endpointsRemaining: 80, endpointsTotal: 150, organisationsNotDone: 2 });
      expect(await server.sql(`SELECT * FROM dashboard_cell_differences()`)).toEqual([]);
    } finally {
      await queue.close();
      ok(await server.gql(`mutation { setSimulatedTime(at: "${NOW}") { now } }`));
    }
  });

  it("exports a liaison's organisations only: its sectors, primary or secondary, and nothing a filter could reach past", async () => {
    await newOrganisation(server, { name: 'Scope Energy Coop', primarySector: 'ENERGY' });
    await newOrganisation(server, { name: 'Scope Water Works', primarySector: 'WATER' });
    await newOrganisation(server, { name: 'Scope Water With Power', primarySector: 'WATER', secondarySectors: ['ENERGY'] });
    const names = async (query: string, token: string) => {
      const response = await fetch(`${server.url}/export/organisations.csv${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const [tlp, head, ...lines] = (await response.text()).trim().split('\r\n');
      expect(tlp).toBe('TLP:AMBER');
      const i = head.split(',').indexOf('name');
      return lines.map((l) => l.split(',')[i]);
    };
    expect(await names('?search=Scope', liaison)).toEqual(['Scope Energy Coop', 'Scope Water With Power']);
    expect(await names('?search=Scope&sector=WATER', liaison)).toEqual(['Scope Water With Power']);
    expect(await names('?search=Scope', server.adminToken)).toEqual(['Scope Energy Coop', 'Scope Water With Power', 'Scope Water Works']);
    // every line of the liaison's whole export is in its scope
    const everything = await fetch(`${server.url}/export/organisations.csv`, { headers: { authorization: `Bearer ${liaison}` } });
    const [, head, ...lines] = (await everything.text()).trim().split('\r\n');
    const cols = head.split(',');
    for (const line of lines) {
      const cells = line.split(',');
      expect([cells[cols.indexOf('primary_sector')], ...cells[cols.indexOf('secondary_sectors')].split(';')]).toContain('ENERGY');
    }
    const viewer = (await newToken(server, { role: 'viewer' })).token;
    expect((await fetch(`${server.url}/export/organisations.csv`, { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(403);
  });

  it('serves the Bull Board to an admin (bearer or Basic) and refuses everyone else with a 401 and its Basic challenge', async () => {
    const board = (headers: Record<string, string>) => fetch(`${server.url}/admin/queues`, { headers, redirect: 'manual' });
    const asAdmin = await board({ authorization: `Bearer ${server.adminToken}` });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get('content-type')).toMatch(/text\/html/);
    expect(await asAdmin.text()).toMatch(/<html/i);
    const basic = await board({ authorization: `Basic ${Buffer.from(`ops:${server.adminToken}`).toString('base64')}` });
    expect(basic.status).toBe(200);
    // the board's own API, which its page reads, lists the queues to an admin
    const api = await fetch(`${server.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort()).toEqual([
      'maintenance',
      'reminder-delivery',
      'reminders',
    ]);

    const viewer = (await newToken(server, { role: 'viewer' })).token;
    const reporter = (await newToken(server, { role: 'reporter', organisationId: (await newOrganisation(server)).id })).token;
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${liaison}` },
      { authorization: `Bearer ${viewer}` },
      { authorization: `Bearer ${reporter}` },
      { authorization: `Basic ${Buffer.from(`ops:${liaison}`).toString('base64')}` },
      { authorization: 'Bearer ktt_not_a_token' },
    ]) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const refused = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
        expect([path, refused.status]).toEqual([path, 401]);
        expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(await refused.text()).not.toMatch(/<html/i);
      }
    }
  });

  it('reads back the update channel and licence end after each write, and refuses a bad one without changing them', async () => {
    const org = await newOrganisation(server, { primarySector: 'ENERGY' });
    const row = await newFootprint(server, org.id, {
      productCode: 'KSC',
      environment: 'IT',
      endpointCount: 3,
      updateChannel: 'OFFLINE',
      licenceEnd: '2025-03-31',
    });
    const read = async () =>
      ok(await server.gql(`query($id: ID!) { organisation(id: $id) { footprint { id updateChannel licenceEnd version } } }`, { id: org.id })).organisation
        .footprint[0];
    expect(await read()).toEqual({ id: row.id, updateChannel: 'OFFLINE', licenceEnd: '2025-03-31', version: 1 });
    const update = `mutation($i: UpdateFootprintInput!) { updateFootprint(input: $i) { updateChannel licenceEnd version } }`;
    expect(ok(await server.gql(update, { i: { id: row.id, version: 1, updateChannel: 'DIRECT', licenceEnd: '2026-01-15' } }, liaison)).updateFootprint).toEqual(
      { updateChannel: 'DIRECT', licenceEnd: '2026-01-15', version: 2 },
    );
    expect(await read()).toEqual({ id: row.id, updateChannel: 'DIRECT', licenceEnd: '2026-01-15', version: 2 });
    expect(errorCode(await server.gql(update, { i: { id: row.id, version: 2, licenceEnd: '2025-02-30' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(update, { i: { id: row.id, version: 2, updateChannel: 'CARRIER_PIGEON' } }))).toBe('BAD_USER_INPUT');
    expect(await read()).toEqual({ id: row.id, updateChannel: 'DIRECT', licenceEnd: '2026-01-15', version: 2 });
    ok(await server.gql(update, { i: { id: row.id, version: 2, updateChannel: 'SECURITY_CENTER', licenceEnd: null } }));
    expect(await read()).toEqual({ id: row.id, updateChannel: 'SECURITY_CENTER', licenceEnd: null, version: 3 });
    const stored = await server.sql(`SELECT update_channel, licence_end FROM footprint WHERE id = $1`, [row.id]);
    expect(stored).toEqual([{ update_channel: 'SECURITY_CENTER', licence_end: null }]);
  });
});
