import { freshness, isOrganisationsOwnReport, productEntries, reportedAndVerified, VerifiableRow } from './report-rules';

const DAY = 86_400_000;
const NOW = new Date('2024-09-22T14:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const row = (over: Partial<VerifiableRow>): VerifiableRow => ({
  productCode: 'KES_ADVANCED',
  vendor: null,
  endpointCount: 10,
  endpointsRemaining: 10,
  verifiedRemaining: null,
  verifiedAt: null,
  ...over,
});

describe('a report is what the organisation says; an edit by staff is not', () => {
  it.each([
    ['reporter (its credential, or a link session acting as it)', 'reporter', true],
    ['liaison', 'liaison', false],
    ['admin', 'admin', false],
    ['the system (imports by the CLI, jobs)', 'system', false],
    ['viewer', 'viewer', false],
  ] as const)('%s', (_name, role, own) => {
    expect(isOrganisationsOwnReport({ role })).toBe(own);
  });
});

describe('freshness', () => {
  it.each([
    ['never', null, null, true],
    ['today', ago(0), 0, false],
    ['exactly at the limit', ago(30), 30, false],
    ['past the limit', ago(30.5), 30.5, true],
  ] as const)('%s', (_name, at, ageDays, stale) => {
    expect(freshness(at, NOW, 30)).toEqual({ at, ageDays, stale });
  });
});

describe('reported and verified figures', () => {
  it('keeps the reported count and the verified one apart, and counts unverified and stale rows', () => {
    const figures = reportedAndVerified(
      [
        row({ endpointCount: 40, endpointsRemaining: 30, verifiedRemaining: 34, verifiedAt: ago(2) }),
        row({ endpointCount: 100, endpointsRemaining: 100 }),
        row({ endpointCount: 5, endpointsRemaining: 0, verifiedRemaining: 1, verifiedAt: ago(45) }),
      ],
      NOW,
      30,
    );
    expect(figures).toEqual({
      endpointsTotal: 145,
      endpointsRemaining: 130,
      verifiedTotal: 45,
      verifiedRemaining: 35,
      rowsUnverified: 2,
      oldestVerificationAt: null,
      verificationStale: true,
    });
    const allVerified = reportedAndVerified([row({ verifiedRemaining: 3, verifiedAt: ago(2) }), row({ verifiedRemaining: 0, verifiedAt: ago(5) })], NOW, 30);
    expect(allVerified).toMatchObject({ rowsUnverified: 0, oldestVerificationAt: ago(5), verificationStale: false });
    expect(reportedAndVerified([], NOW, 30)).toMatchObject({ rowsUnverified: 0, verificationStale: false, oldestVerificationAt: null });
  });

  it('counts an organisation\'s footprint by product (adding up to "*") and by white-label vendor (adding up to WHITE_LABEL)', () => {
    const entries = productEntries(
      [
        row({ productCode: 'KICS_NODES', endpointCount: 40, endpointsRemaining: 30, verifiedRemaining: 34, verifiedAt: ago(1) }),
        row({ productCode: 'KICS_NODES', endpointCount: 6, endpointsRemaining: 6 }),
        row({ productCode: 'WHITE_LABEL', vendor: ' Example Networks ', endpointCount: 5, endpointsRemaining: 5 }),
        row({ productCode: 'WHITE_LABEL', vendor: 'Other', endpointCount: 3, endpointsRemaining: 1, verifiedRemaining: 1, verifiedAt: ago(1) }),
        row({ productCode: 'OTHER', vendor: 'Not a white-label vendor', endpointCount: 2, endpointsRemaining: 2 }),
      ],
      NOW,
      30,
    );
    expect(entries).toEqual([
      ['*', '', 56, 44, 43, 35, true],
      ['KICS_NODES', '', 46, 36, 40, 34, true],
      ['OTHER', '', 2, 2, 0, 0, true],
      ['WHITE_LABEL', '', 8, 6, 3, 1, true],
      ['WHITE_LABEL', 'Example Networks', 5, 5, 0, 0, true],
      ['WHITE_LABEL', 'Other', 3, 1, 3, 1, false],
    ]);
    expect(productEntries([], NOW, 30)).toEqual([['*', '', 0, 0, 0, 0, false]]);
  });
});
