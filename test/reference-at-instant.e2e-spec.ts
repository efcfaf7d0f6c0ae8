import { newOrganisation, newToken } from './support/factories';
import { errorCode, ok, startServer, TestServer } from './support/server';

/**
 * Issue 18, item 5: reference data is judged at the instant asked. A sector moved to another agency
 * from a date keeps its old agency for every instant before it (the `sectors` list, an organisation's
 * sector, the dashboards' SRMA rows), and the programme's announced and published dates are calendar
 * dates, the same day in every zone.
 */
describe('reference data at the instant (issue 18, item 5)', () => {
  let server: TestServer;
  const MOVE_AT = '2024-09-01T04:00:00.000Z'; // 00:00 EDT
  const srmaOf = (sectors: Array<{ code: string; srma: string }>, code: string) => sectors.find((s) => s.code === code)?.srma;
  const sectorsAt = async (at?: string) =>
    ok(await server.gql(`query($at: DateTime) { sectors(at: $at) { code srma validFrom validTo } }`, { at }, null)).sectors as Array<{
      code: string;
      srma: string;
      validFrom: string;
      validTo: string | null;
    }>;
  const srmaRows = async () => ok(await server.gql(`{ breakdown(by: SRMA) { key organisations } }`)).breakdown as Array<{ key: string; organisations: number }>;

  beforeAll(async () => {
    server = await startServer({ now: '2024-08-01T12:00:00Z' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('shows the announced and published dates as calendar dates, and takes nothing else for them', async () => {
    const { programmes } = ok(await server.gql(`{ programmes { key announced published updatesCutoff } }`, {}, null));
    expect(programmes[0]).toMatchObject({ announced: '2024-06-20', published: '2024-06-24', updatesCutoff: '2024-09-29T04:00:00.000Z' });
    const [{ announced, published }] = await server.sql(
      `SELECT announced::text, published::text, pg_typeof(announced)::text AS type FROM programme WHERE key = $1`,
      [programmes[0].key],
    );
    expect({ announced, published }).toEqual({ announced: '2024-06-20', published: '2024-06-24' });

    const input = (announcedInput: string) => ({
      key: `dates-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Dates',
      regulation: 'A made-up determination for the test',
      announced: announcedInput,
      newBusinessCutoff: '2024-12-01T05:00:00Z',
      updatesCutoff: '2025-03-01T05:00:00Z',
      staleReportDays: 45,
      milestonePlan: [
        { key: 'FOUND', name: 'Found', itOffsetDays: -120, otOffsetDays: -120 },
        { key: 'GONE', name: 'Gone', itOffsetDays: 0, otOffsetDays: 0 },
      ],
      reminderLadder: { stagesDaysBeforeCutoff: [30, 7], overdueEveryDays: 14, milestoneDueSoonDays: 10, acknowledgePauseDays: 5, snoozeMaxDays: 10 },
      rules: {
        inventoryMilestoneKey: 'FOUND',
        removalVerifiedMilestoneKey: 'GONE',
        dueSoonDays: 21,
        cutoffNearDays: 45,
        laggingShare: 0.25,
        escalation: { executivesDays: 30, liaisonDays: 7, agencyDaysAfter: 30 },
      },
      wording: { product: 'Acme AV', consequence: 'No updates after it.' },
      products: [{ code: `DATES_${Math.random().toString(36).slice(2, 8).toUpperCase()}`, name: 'Dates AV', family: 'Endpoint', kind: 'CATALOGUE' }],
    });
    const create = (i: Record<string, unknown>) =>
      server.gql(`mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { key announced published } }`, { input: i });
    const base = ok(await server.gql(`{ programmes { key } }`)).programmes.length;
    for (const announcedInput of ['2024-06-20T00:00:00Z', '2024-02-30', '20/06/2024']) {
      const refused = await create(input(announcedInput));
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'announced' })]);
    }
    expect(ok(await server.gql(`{ programmes { key } }`)).programmes).toHaveLength(base);
    const created = ok(await create({ ...input('2024-06-01'), published: '2024-06-05' })).createProgramme;
    expect(created).toMatchObject({ announced: '2024-06-01', published: '2024-06-05' });
  });

  it('moves a sector to another agency from a date: each side of the date sees its own agency', async () => {
    const org = await newOrganisation(server, { name: 'Versioned Water', primarySector: 'WATER' });
    const liaison = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
    const versionsBefore = (await server.sql(`SELECT count(*)::int AS n FROM sector`))[0].n;
    const change = (input: Record<string, unknown>, token?: string) =>
      server.gql(`mutation($input: ChangeSectorAgencyInput!) { changeSectorAgency(input: $input) { code srma validFrom validTo } }`, { input }, token);

    // refused, and nothing changes: a liaison, an unknown sector, a date before the sector existed, the same agency, a bad instant
    expect(errorCode(await change({ code: 'WATER', srma: 'New Water Agency', from: MOVE_AT }, liaison))).toBe('FORBIDDEN');
    expect(errorCode(await change({ code: 'NO_SUCH_SECTOR', srma: 'X', from: MOVE_AT }))).toBe('NOT_FOUND');
    expect(errorCode(await change({ code: 'WATER', srma: 'X', from: '2001-01-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await change({ code: 'WATER', srma: 'EPA', from: MOVE_AT }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await change({ code: 'WATER', srma: '', from: MOVE_AT }))).toBe('BAD_USER_INPUT');
    expect((await server.sql(`SELECT count(*)::int AS n FROM sector`))[0].n).toBe(versionsBefore);

    const moved = ok(await change({ code: 'WATER', srma: 'New Water Agency', from: MOVE_AT })).changeSectorAgency;
    expect(moved).toEqual({ code: 'WATER', srma: 'New Water Agency', validFrom: MOVE_AT, validTo: null });
    // the same split twice is refused: the version in force at MOVE_AT now begins there
    expect(errorCode(await change({ code: 'WATER', srma: 'Another Agency', from: MOVE_AT }))).toBe('BAD_USER_INPUT');
    const [audit] = await server.sql(
      `SELECT action, before->>'srma' AS before, after->>'srma' AS after FROM audit_event WHERE entity_type = 'sector' AND entity_id = 'WATER'`,
    );
    expect(audit).toEqual({ action: 'change_agency', before: 'EPA', after: 'New Water Agency' });

    // both sides of the date, by the instant asked
    expect(srmaOf(await sectorsAt('2024-09-01T03:59:59.999Z'), 'WATER')).toBe('EPA');
    expect(srmaOf(await sectorsAt(MOVE_AT), 'WATER')).toBe('New Water Agency');
    expect((await sectorsAt(MOVE_AT)).filter((s) => s.code === 'WATER')).toHaveLength(1);
    expect(srmaOf(await sectorsAt('2030-01-01T00:00:00Z'), 'ENERGY')).toBe('DOE');

    // and by the server's clock (simulated here): before the date, the old agency everywhere
    const orgQuery = `query($id: ID!) { organisation(id: $id) { primarySector { code srma } } }`;
    expect(srmaOf(await sectorsAt(), 'WATER')).toBe('EPA');
    expect(ok(await server.gql(orgQuery, { id: org.id })).organisation.primarySector).toEqual({ code: 'WATER', srma: 'EPA' });
    let rows = await srmaRows();
    expect(rows.find((r) => r.key === 'EPA')?.organisations).toBe(1);
    expect(rows.find((r) => r.key === 'New Water Agency')).toBeUndefined();

    // the clock passes the date: the new agency everywhere
    ok(await server.gql(`mutation { setSimulatedTime(at: "2024-09-01T04:00:00Z") { now } }`));
    expect(srmaOf(await sectorsAt(), 'WATER')).toBe('New Water Agency');
    expect(ok(await server.gql(orgQuery, { id: org.id })).organisation.primarySector).toEqual({ code: 'WATER', srma: 'New Water Agency' });
    rows = await srmaRows();
    expect(rows.find((r) => r.key === 'New Water Agency')?.organisations).toBe(1);
    expect(rows.find((r) => r.key === 'EPA')).toBeUndefined();

    // every breakdown still answers, for an admin and for a viewer (the instant is a parameter only where a statement names it)
    const viewer = (await newToken(server, { role: 'viewer' })).token;
    const all = `{ s: breakdown(by: SECTOR) { key label } a: breakdown(by: SRMA) { key } t: breakdown(by: STATE) { key } r: breakdown(by: REGION) { key } e: breakdown(by: ENVIRONMENT) { key } }`;
    const admin = ok(await server.gql(all));
    expect(admin.s.find((r: { key: string }) => r.key === 'WATER').label).toBe('Water and Wastewater Systems');
    expect([admin.t.length, admin.r.length, admin.e.length].every((n) => n > 0)).toBe(true);
    ok(await server.gql(all, {}, viewer));

    // and back before it (a drill moving time back): the old agency again
    ok(await server.gql(`mutation { setSimulatedTime(at: "2024-08-31T12:00:00Z") { now } }`));
    expect(ok(await server.gql(orgQuery, { id: org.id })).organisation.primarySector.srma).toBe('EPA');
    expect((await srmaRows()).find((r) => r.key === 'EPA')?.organisations).toBe(1);
  });
});

describe('the SRMA escalation follows the agency in force (issue 18, item 5)', () => {
  let server: TestServer;
  // 21 days past the cutoff: every lagging organisation is escalated to level 4 (the SRMA and the CISA region)
  const NOW = '2024-10-20T15:00:00.000Z';
  const MOVE = '2024-10-25T04:00:00.000Z';
  const srmaDigests = async () =>
    (await server.sql(
      `SELECT stage, recipient FROM reminder_delivery WHERE recipient_role = 'SRMA' AND organisation_id IS NULL ORDER BY stage, recipient`,
    )) as Array<{ stage: string; recipient: string }>;

  beforeAll(async () => {
    server = await startServer({ now: NOW });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('an SRMA contact that names its agency hears of the sector only while the sector is with that agency', async () => {
    await newOrganisation(server, { name: 'Lagging Water', primarySector: 'WATER' });
    ok(
      await server.gql(`mutation($input: ChangeSectorAgencyInput!) { changeSectorAgency(input: $input) { srma } }`, {
        input: { code: 'WATER', srma: 'New Water Agency', from: MOVE },
      }),
    );
    const add = (input: Record<string, unknown>) =>
      server.gql(`mutation($input: EscalationContactInput!) { addEscalationContact(input: $input) { id kind sector agency } }`, { input });
    expect(
      ok(await add({ kind: 'SRMA', sector: 'WATER', agency: 'EPA', name: 'EPA water desk', email: 'water@epa.example' })).addEscalationContact,
    ).toMatchObject({ kind: 'SRMA', sector: 'WATER', agency: 'EPA' });
    ok(await add({ kind: 'SRMA', sector: 'WATER', agency: 'New Water Agency', name: 'New agency desk', email: 'desk@new-agency.example' }));
    ok(await add({ kind: 'SRMA', sector: 'WATER', name: 'Whoever holds water', email: 'any@water.example' }));
    // an agency on a contact that is not an SRMA's is refused, and nothing is added
    const refused = await add({ kind: 'SECTOR_LIAISON', sector: 'WATER', agency: 'EPA', name: 'Liaison', email: 'liaison@example.org' });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions!.fields[0].field).toBe('agency');
    expect((await server.sql(`SELECT count(*)::int AS n FROM escalation_contact`))[0].n).toBe(3);

    // before the move: EPA's desk and the contact without an agency
    ok(await server.gql(`mutation { runReminderPlanner { planned } }`));
    const before = await srmaDigests();
    expect(before.length).toBeGreaterThan(0);
    expect([...new Set(before.map((d) => d.recipient))].sort()).toEqual(['any@water.example', 'water@epa.example']);

    // after it, at the next overdue stage: the new agency's desk instead of EPA's
    ok(await server.gql(`mutation { setSimulatedTime(at: "2024-10-28T15:00:00Z") { now } }`));
    ok(await server.gql(`mutation { runReminderPlanner { planned } }`));
    const stages = new Set(before.map((d) => d.stage));
    const after = (await srmaDigests()).filter((d) => !stages.has(d.stage));
    expect(after.length).toBeGreaterThan(0);
    expect([...new Set(after.map((d) => d.recipient))].sort()).toEqual(['any@water.example', 'desk@new-agency.example']);
  });
});
