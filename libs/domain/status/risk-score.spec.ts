import { riskScore, RiskFacts } from './risk-score';

const base: RiskFacts = {
  complete: false,
  endpointsTotal: 100,
  endpointsRemaining: 0,
  overdueMilestones: 0,
  hasOt: false,
  reportStale: false,
  criticalityTier: 3,
  pastCutoff: false,
};

describe('riskScore', () => {
  it.each([
    [{}, 0],
    [{ endpointsRemaining: 50 }, 15],
    [{ endpointsRemaining: 100 }, 30],
    [{ overdueMilestones: 2 }, 20],
    [{ overdueMilestones: 5 }, 30],
    [{ hasOt: true }, 15],
    [{ reportStale: true }, 15],
    [{ criticalityTier: 1 }, 10],
    [{ criticalityTier: 2 }, 5],
    [{ pastCutoff: true }, 10],
    [{ endpointsRemaining: 100, overdueMilestones: 7, hasOt: true, reportStale: true, criticalityTier: 1, pastCutoff: true }, 100],
    [{ complete: true, endpointsRemaining: 100, hasOt: true }, 0],
  ])('%p scores %s', (extra, score) => {
    expect(riskScore({ ...base, ...(extra as Partial<RiskFacts>) }).score).toBe(score);
  });

  it('gives its reasons, largest first', () => {
    const { reasons } = riskScore({ ...base, endpointsRemaining: 10, hasOt: true, overdueMilestones: 3 });
    expect(reasons.map((r) => r.code)).toEqual(['OVERDUE_MILESTONES', 'OT_FOOTPRINT', 'SHARE_REMAINING']);
  });
});
