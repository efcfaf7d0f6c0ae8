import { deriveStatus, MilestoneState, StatusInput } from './derive-status';

const CUTOFF = new Date('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
/** The seeded programme's rules (libs/reference/reference-data.ts), as a programme row carries them. */
const RULES: StatusInput['rules'] = { inventoryMilestoneKey: 'INVENTORY_COMPLETE', removalVerifiedMilestoneKey: 'REMOVAL_VERIFIED', dueSoonDays: 14, cutoffNearDays: 30, laggingShare: 0.5 };
const at = (daysFromCutoff: number) => new Date(CUTOFF.getTime() + daysFromCutoff * DAY);

const PLAN: Array<[string, number]> = [
  ['INVENTORY_COMPLETE', -70], ['REPLACEMENT_SELECTED', -56], ['REPLACEMENT_PROCURED', -42],
  ['PILOT_DEPLOYED', -28], ['ROLLOUT', -14], ['KASPERSKY_REMOVED', 0], ['REMOVAL_VERIFIED', 0],
];

function input(opts: {
  now: number;
  doneUpTo?: number; // index in PLAN of the last milestone done
  verified?: boolean;
  remaining?: number;
  total?: number;
  reportedDaysAgo?: number | null;
  blocked?: string;
}): StatusInput {
  const now = at(opts.now);
  const doneUpTo = opts.doneUpTo ?? -1;
  const total = opts.total ?? 100;
  return {
    now,
    cutoff: CUTOFF,
    staleReportDays: 30,
    rules: RULES,
    lastReportedAt: opts.reportedDaysAgo === null ? null : new Date(now.getTime() - (opts.reportedDaysAgo ?? 1) * DAY),
    footprint: [{ endpointCount: total, endpointsRemaining: opts.remaining ?? total }],
    milestones: PLAN.map(([key, offset], i) => ({
      key,
      track: 'IT',
      targetAt: at(offset),
      state: (opts.blocked === key ? 'BLOCKED' : i <= doneUpTo ? 'DONE' : 'NOT_STARTED') as MilestoneState,
      verifiedAt: i <= doneUpTo && opts.verified ? at(offset) : null,
    })),
  };
}

describe('deriveStatus', () => {
  it.each([
    // [description, input, expected status, a reason code it must give]
    ['far out, nothing due yet', input({ now: -100 }), 'ON_TRACK', undefined],
    ['inventory due in 10 days, not started', input({ now: -80 }), 'AT_RISK', 'MILESTONE_DUE_SOON'],
    ['inventory target passed, not done', input({ now: -69 }), 'OVERDUE', 'MILESTONE_OVERDUE'],
    ['keeping pace with the plan', input({ now: -60, doneUpTo: 1, remaining: 100 }), 'ON_TRACK', undefined],
    ['never reported', input({ now: -60, doneUpTo: 1, reportedDaysAgo: null }), 'NOT_REPORTING', 'NO_REPORT'],
    ['report 31 days old', input({ now: -60, doneUpTo: 1, reportedDaysAgo: 31 }), 'NOT_REPORTING', 'STALE_REPORT'],
    ['a blocked milestone', input({ now: -60, doneUpTo: 1, blocked: 'REPLACEMENT_PROCURED' }), 'AT_RISK', 'MILESTONE_BLOCKED'],
    ['cutoff in 20 days, most endpoints remain', input({ now: -20, doneUpTo: 3, remaining: 80 }), 'AT_RISK', 'MOST_ENDPOINTS_REMAIN'],
    ['one hour before the cutoff, all done but not verified', input({ now: -1 / 24, doneUpTo: 6, remaining: 0 }), 'ON_TRACK', 'AWAITING_VERIFICATION'],
    ['at the cutoff instant, not verified', input({ now: 0, doneUpTo: 6, remaining: 0 }), 'OVERDUE', 'PAST_CUTOFF'],
    ['after the cutoff, endpoints remain', input({ now: 30, doneUpTo: 4, remaining: 10 }), 'OVERDUE', 'PAST_CUTOFF'],
    ['removal verified before the cutoff', input({ now: -1, doneUpTo: 6, verified: true, remaining: 0 }), 'COMPLETE', 'REMOVAL_VERIFIED'],
    ['removal verified, after the cutoff', input({ now: 30, doneUpTo: 6, verified: true, remaining: 0 }), 'COMPLETE', 'REMOVAL_VERIFIED'],
    ['verified but endpoints still remain', input({ now: 5, doneUpTo: 6, verified: true, remaining: 3 }), 'OVERDUE', 'PAST_CUTOFF'],
  ])('%s', (_name, given, status, reason) => {
    const result = deriveStatus(given);
    expect(result.status).toBe(status);
    if (reason) expect(result.reasons.map((r) => r.code)).toContain(reason);
    else expect(result.reasons).toEqual([]);
  });

  it('is complete when a verified inventory found no Kaspersky at all', () => {
    const base = input({ now: -60, doneUpTo: 0, verified: true });
    expect(deriveStatus({ ...base, footprint: [] }).status).toBe('COMPLETE');
  });

  it('the cutoff is an instant: one millisecond before it is not past it', () => {
    const before = deriveStatus(input({ now: -1 / DAY, doneUpTo: 6, remaining: 0 }));
    expect(before.reasons.map((r) => r.code)).not.toContain('PAST_CUTOFF');
  });

  it('needs every track verified', () => {
    const it = input({ now: -1, doneUpTo: 6, verified: true, remaining: 0 });
    const ot = it.milestones.map((m) => ({ ...m, track: 'OT', verifiedAt: m.key === 'REMOVAL_VERIFIED' ? null : m.verifiedAt }));
    expect(deriveStatus({ ...it, milestones: [...it.milestones, ...ot] }).status).not.toBe('COMPLETE');
  });
});
