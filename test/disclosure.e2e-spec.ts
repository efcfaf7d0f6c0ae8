import fc from 'fast-check';
import { OrganisationCell, protect } from '@libs/domain/disclosure/small-cells';
import { attack, DIMENSIONS, Hierarchy, primaryOnly, TruthOrganisation, Viewed } from './support/disclosure-attacker';
import { newOrganisation, newToken } from './support/factories';
import { ok, startServer, TestServer } from './support/server';

const STATUSES = ['COMPLETE', 'ON_TRACK', 'AT_RISK', 'OVERDUE', 'NOT_REPORTING'];

/** The pure rule's answer for a set of organisations, as a viewer would read it. */
function published(truth: TruthOrganisation[], hierarchy: Hierarchy): Viewed {
  const cells: OrganisationCell[] = truth.map((o) => ({
    keys: { SECTOR: o.sector, SRMA: hierarchy.srmaOf.get(o.sector)!, STATE: o.state, REGION: hierarchy.regionOf.get(o.state)!, ENVIRONMENT: o.environment },
    status: o.status,
    verified: o.verified,
    organisations: 1,
    endpointsTotal: o.endpointsTotal,
    endpointsRemaining: 0,
    environmentEndpointsTotal: o.environment === 'OT' ? o.otTotal : o.endpointsTotal,
    environmentEndpointsRemaining: 0,
  }));
  const p = protect(cells, STATUSES);
  return { total: p.total, breakdowns: p.breakdowns as unknown as Viewed['breakdowns'] };
}

/** A small country: three SRMAs over six sectors, two regions over five states. */
const TOY: Hierarchy = {
  srmaOf: new Map([
    ['S1', 'X'],
    ['S2', 'X'],
    ['S3', 'X'],
    ['S4', 'Y'],
    ['S5', 'Y'],
    ['S6', 'Z'],
  ]),
  regionOf: new Map([
    ['T1', 'R1'],
    ['T2', 'R1'],
    ['T3', 'R1'],
    ['T4', 'R2'],
    ['T5', 'R2'],
  ]),
};

const organisationArb = fc.record({
  sector: fc.constantFrom(...TOY.srmaOf.keys()),
  state: fc.constantFrom(...TOY.regionOf.keys()),
  environment: fc.constantFrom<'IT' | 'OT'>('IT', 'IT', 'IT', 'OT'),
  // skewed: most organisations in two statuses, so the others are small
  status: fc.constantFrom('ON_TRACK', 'ON_TRACK', 'ON_TRACK', 'AT_RISK', 'AT_RISK', 'COMPLETE', 'OVERDUE', 'NOT_REPORTING'),
  verified: fc.boolean(),
  endpointsTotal: fc.integer({ min: 0, max: 500 }),
  otTotal: fc.integer({ min: 0, max: 50 }),
});

describe('security: no small cell recoverable by subtraction', () => {
  it('the attacker works out small cells from primary suppression alone, and none from the protected figures, on 300 random data sets', () => {
    let baseline = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(organisationArb, { minLength: 5, maxLength: 60 }), (truth) => {
        const naive = attack(primaryOnly(truth, TOY, STATUSES), TOY, truth, STATUSES);
        baseline += naive.disclosed.length;
        const result = attack(published(truth, TOY), TOY, truth, STATUSES);
        refused += result.sensitiveRefused;
        expect(result.disclosed).toEqual([]);
      }),
      { numRuns: 300, seed: 20261202 },
    );
    // the attacker is not blind: against primary suppression alone it recovers small cells
    expect(baseline).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(1000);
  });

  describe('against the API, on an adversarial data set', () => {
    let server: TestServer;
    let viewer: string;
    const truth: TruthOrganisation[] = [];
    const hierarchy: Hierarchy = { srmaOf: new Map(), regionOf: new Map() };
    const NOW = '2024-08-20T15:00:00.000Z';

    beforeAll(async () => {
      server = await startServer({ now: NOW });
      viewer = (await newToken(server, { role: 'viewer' })).token;
      for (const r of await server.sql(`SELECT code, srma FROM sector WHERE valid_to IS NULL`)) hierarchy.srmaOf.set(r.code, r.srma);
      for (const r of await server.sql(`SELECT code, region::text AS region FROM us_state`)) hierarchy.regionOf.set(r.code, r.region);
      // five sectors under one SRMA (CISA), and one alone under its own; states of two regions
      const bySrma = new Map<string, string[]>();
      for (const [code, srma] of hierarchy.srmaOf) bySrma.set(srma, [...(bySrma.get(srma) ?? []), code].sort());
      const groups = [...bySrma.values()].sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]));
      const X = groups[0].slice(0, 3);
      const Y = groups[0].slice(3, 5);
      const Z = groups[1];
      const byRegion = new Map<string, string[]>();
      for (const [code, region] of hierarchy.regionOf) byRegion.set(region, [...(byRegion.get(region) ?? []), code].sort());
      const [R1, R2] = [...byRegion.values()].filter((g) => g.length >= 3).sort((a, b) => a[0].localeCompare(b[0]));
      const T = [R1[0], R1[1], R1[2], R2[0], R2[1]];
      // each line: sector, state, environment, status, verified, how many. The traps: a row with one small
      // status (and the programme's only NOT_REPORTING), a row with small COMPLETE and small verified, two
      // sectors of one organisation each (two hidden ones that add up to 2), a sector alone under its SRMA
      // beside larger ones, an SRMA of one sector, a state with one small cell, three OT organisations.
      const plan: Array<[string, string, 'IT' | 'OT', string, boolean, number]> = [
        [X[0], T[0], 'IT', 'ON_TRACK', false, 9],
        [X[0], T[0], 'IT', 'NOT_REPORTING', false, 1],
        [X[1], T[1], 'IT', 'AT_RISK', false, 5],
        [X[1], T[1], 'IT', 'COMPLETE', true, 3],
        [X[2], T[2], 'OT', 'OVERDUE', false, 1],
        [Y[0], T[3], 'IT', 'ON_TRACK', false, 1],
        [Y[1], T[3], 'IT', 'ON_TRACK', false, 12],
        [Y[1], T[4], 'IT', 'COMPLETE', true, 6],
        [Y[1], T[4], 'OT', 'AT_RISK', false, 2],
        [Z[0], T[0], 'IT', 'ON_TRACK', true, 7],
        [Z[0], T[1], 'IT', 'OVERDUE', false, 2],
      ];
      let i = 0;
      for (const [sector, state, environment, status, verified, count] of plan) {
        for (let k = 0; k < count; k += 1) {
          i += 1;
          truth.push({ sector, state, environment, status, verified, endpointsTotal: 40 + ((i * 37) % 300), otTotal: environment === 'OT' ? 5 + (i % 20) : 0 });
        }
      }
      const ids: string[] = [];
      for (const o of truth)
        ids.push((await newOrganisation(server, { name: `Disclosure Test ${ids.length + 1}`, primarySector: o.sector, state: o.state })).id);
      // the statuses and rollups this test needs, set as they are stored (the worker's hourly refresh is not running)
      await server.sql(
        `UPDATE organisation_status s SET status = t.status, removal_verified = t.verified, endpoints_total = t.total, endpoints_remaining = t.total / 2,
                ot_total = t.ot, ot_remaining = t.ot / 2
         FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::bigint[], $5::bigint[]) AS t(id, status, verified, total, ot)
         WHERE s.organisation_id = t.id`,
        [ids, truth.map((o) => o.status), truth.map((o) => o.verified), truth.map((o) => o.endpointsTotal), truth.map((o) => o.otTotal)],
      );
      // acknowledgements: 3 at level 1 and 7 at level 2, on one day
      await server.sql(
        `INSERT INTO audit_event (occurred_at, actor, actor_role, organisation_id, entity_type, entity_id, action, after)
         SELECT $1::timestamptz - interval '1 day', 'test', 'reporter', $2::uuid, 'reminders', $2::text, 'acknowledge', jsonb_build_object('level', CASE WHEN g <= 3 THEN 1 ELSE 2 END)
         FROM generate_series(1, 10) g`,
        [NOW, ids[0]],
      );
    });
    afterAll(async () => server?.stop());

    const FIGURES = 'organisations byStatus { status organisations } verified endpointsTotal';
    async function read(token: string): Promise<Viewed> {
      const data = ok(
        await server.gql(
          `{ programmeSummary { organisations byStatus { status organisations } shareVerified endpointsTotal }
        ${DIMENSIONS.map((d) => `${d}: breakdown(by: ${d}) { key suppressed ${FIGURES} }`).join(' ')} }`,
          {},
          token,
        ),
      );
      const s = data.programmeSummary;
      return {
        total: {
          organisations: s.organisations,
          byStatus: s.byStatus,
          endpointsTotal: s.endpointsTotal,
          verified: s.shareVerified === null ? null : Math.round(s.shareVerified * s.organisations),
        },
        breakdowns: Object.fromEntries(DIMENSIONS.map((d) => [d, data[d]])) as Viewed['breakdowns'],
      };
    }

    it('gives an admin every figure as it is, and a viewer none a subtraction recovers (summary, every breakdown, the sectors CSV)', async () => {
      const admin = await read(server.adminToken);
      expect(admin.total.organisations).toBe(truth.length);
      expect(admin.total.byStatus.find((b) => b.status === 'NOT_REPORTING')!.organisations).toBe(1);

      const viewed = await read(viewer);
      const naive = attack(primaryOnly(truth, hierarchy, STATUSES), hierarchy, truth, STATUSES);
      const result = attack(viewed, hierarchy, truth, STATUSES);
      console.log(
        `SECURITY small cells | organisations=${truth.length} | primary suppression alone: ${naive.disclosed.length} of ${naive.sensitiveRefused} hidden small figures recovered (${naive.disclosed.slice(0, 4).join('; ')}…) | protected: figures published=${result.published} refused=${result.refused} small refused=${result.sensitiveRefused} recovered=${result.disclosed.length}`,
      );
      expect(naive.disclosed.length).toBeGreaterThan(5);
      expect(result.sensitiveRefused).toBeGreaterThan(10);
      expect(result.disclosed).toEqual([]);
      // what the viewer reads is the pure rule's answer for these organisations
      const expected = published(truth, hierarchy);
      for (const d of DIMENSIONS) {
        const sortByKey = (rows: any[]) =>
          [...rows]
            .sort((a, b) => a.key.localeCompare(b.key))
            .map((r) => ({ key: r.key, organisations: r.organisations, verified: r.verified, byStatus: r.byStatus.map((b: any) => b.organisations) }));
        expect(sortByKey(viewed.breakdowns[d])).toEqual(sortByKey(expected.breakdowns[d]));
      }
      // the sectors CSV is the sector breakdown, cell for cell
      const response = await fetch(`${server.url}/export/sectors.csv`, { headers: { authorization: `Bearer ${viewer}` } });
      const lines = (await response.text())
        .trim()
        .split('\r\n')
        .slice(2)
        .map((l) => l.split(','));
      expect(lines.length).toBe(viewed.breakdowns.SECTOR.length);
      for (const row of viewed.breakdowns.SECTOR) {
        const line = lines.find((l) => l[0] === row.key)!;
        const cells = [row.organisations, ...row.byStatus.map((b) => b.organisations)].map((v) => (v === null ? '' : String(v)));
        expect(line.slice(2, 3 + STATUSES.length)).toEqual(cells);
      }
    });

    it('shows a viewer no reminder figure of 1 to 4', async () => {
      const q = '{ reminderFigures(days: 30) { day level acknowledged } }';
      const admin = ok(await server.gql(q)).reminderFigures;
      expect(admin.map((r: any) => [r.level, r.acknowledged])).toEqual([
        [1, 3],
        [2, 7],
      ]);
      const seen = ok(await server.gql(q, {}, viewer)).reminderFigures;
      expect(seen.map((r: any) => [r.level, r.acknowledged])).toEqual([
        [1, null],
        [2, 7],
      ]);
    });
  });
});
