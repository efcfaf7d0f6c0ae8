import { OrganisationCell, protect } from './small-cells';

const STATUSES = ['COMPLETE', 'ON_TRACK', 'AT_RISK'];

/** n organisations of one sector (under an SRMA), state and status. */
function cells(rows: Array<[sector: string, srma: string, status: string, n: number, verified?: number]>): OrganisationCell[] {
  return rows.flatMap(([sector, srma, status, n, verified = 0]) =>
    [
      { verified: true, organisations: verified },
      { verified: false, organisations: n - verified },
    ]
      .filter((c) => c.organisations > 0)
      .map((c) => ({
        keys: { SECTOR: sector, SRMA: srma, STATE: 'TX', REGION: '6', ENVIRONMENT: 'IT' },
        status,
        verified: c.verified,
        organisations: c.organisations,
        endpointsTotal: 10 * c.organisations,
        endpointsRemaining: 0,
        environmentEndpointsTotal: 10 * c.organisations,
        environmentEndpointsRemaining: 0,
      })),
  );
}

const row = (p: ReturnType<typeof protect>, by: 'SECTOR' | 'SRMA', key: string) => p.breakdowns[by].find((r) => r.key === key)!;

describe('small cells: what a viewer may read', () => {
  it('hides a small sector with the next smallest, so the total less the others gives neither', () => {
    const p = protect(
      cells([
        ['A', 'X', 'ON_TRACK', 3],
        ['B', 'Y', 'ON_TRACK', 6],
        ['C', 'Z', 'ON_TRACK', 9],
      ]),
      STATUSES,
    );
    expect(p.total.organisations).toBe(18);
    expect([row(p, 'SECTOR', 'A').organisations, row(p, 'SECTOR', 'B').organisations, row(p, 'SECTOR', 'C').organisations]).toEqual([null, null, 9]);
  });

  it('does not leave two hidden sectors of one organisation each (their known sum, 2, would give both)', () => {
    const p = protect(
      cells([
        ['A', 'X', 'ON_TRACK', 1],
        ['B', 'Y', 'ON_TRACK', 1],
        ['C', 'Z', 'ON_TRACK', 7],
        ['D', 'W', 'ON_TRACK', 9],
      ]),
      STATUSES,
    );
    expect(
      p.breakdowns.SECTOR.filter((r) => r.suppressed)
        .map((r) => r.key)
        .sort(),
    ).toEqual(['A', 'B', 'C']);
  });

  it('hides the split of a row with one small status together with another row split, and the total keeps its figures', () => {
    const p = protect(
      cells([
        ['A', 'X', 'ON_TRACK', 9],
        ['A', 'X', 'AT_RISK', 6],
        ['A', 'X', 'COMPLETE', 2],
        ['B', 'Y', 'ON_TRACK', 8],
        ['B', 'Y', 'COMPLETE', 5],
        ['C', 'Z', 'ON_TRACK', 20],
        ['C', 'Z', 'COMPLETE', 10],
      ]),
      STATUSES,
    );
    expect(row(p, 'SECTOR', 'A')).toMatchObject({
      organisations: 17,
      suppressed: false,
      byStatus: [{ organisations: null }, { organisations: null }, { organisations: null }],
    });
    expect(row(p, 'SECTOR', 'B')).toMatchObject({ organisations: 13, byStatus: [{ organisations: null }, { organisations: null }, { organisations: null }] });
    expect(row(p, 'SECTOR', 'C').byStatus.map((b) => b.organisations)).toEqual([10, 20, 0]);
    expect(p.total.byStatus.map((b) => b.organisations)).toEqual([17, 37, 6]);
  });

  it('hides an SRMA row that holds a hidden sector, and hides a second sector with the first, so that the SRMA less the sectors shown gives neither', () => {
    // A (2) and B (8) are CISA's: with B shown, CISA less B would give A
    const p = protect(
      cells([
        ['A', 'CISA', 'ON_TRACK', 2],
        ['B', 'CISA', 'ON_TRACK', 8],
        ['E', 'DOE', 'ON_TRACK', 12],
      ]),
      STATUSES,
    );
    expect(row(p, 'SRMA', 'CISA').organisations).toBeNull();
    expect(row(p, 'SECTOR', 'A').organisations).toBeNull();
    expect(row(p, 'SECTOR', 'B').organisations).toBeNull();
    expect(row(p, 'SECTOR', 'E').organisations).toBe(12);
    expect(row(p, 'SRMA', 'DOE').organisations).toBe(12);
  });

  it('hides a small status of the total with another, and every row that holds it shows no split', () => {
    const p = protect(
      cells([
        ['A', 'X', 'ON_TRACK', 10],
        ['A', 'X', 'AT_RISK', 1],
        ['B', 'Y', 'ON_TRACK', 10],
        ['B', 'Y', 'COMPLETE', 6],
        ['C', 'Z', 'COMPLETE', 8],
      ]),
      STATUSES,
    );
    expect(p.total.byStatus.map((b) => b.organisations)).toEqual([null, 20, null]);
    expect(row(p, 'SECTOR', 'A').byStatus.every((b) => b.organisations === null)).toBe(true);
  });

  it('hides everything from a viewer when the programme has fewer than 5 organisations', () => {
    const p = protect(cells([['A', 'X', 'ON_TRACK', 4]]), STATUSES);
    expect(p.total.organisations).toBeNull();
    expect(p.breakdowns.SECTOR[0]).toMatchObject({ suppressed: true, organisations: null, endpointsTotal: null });
  });
});
