import { DEFAULT_REMINDER_LADDER } from '../programme';
import { nextPlanAt, NextPlanInput } from './next-plan';

const CUTOFF = new Date('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(CUTOFF.getTime() + days * DAY);
const base = (now: number, extra: Partial<NextPlanInput> = {}): NextPlanInput => ({
  now: at(now),
  cutoff: CUTOFF,
  ladder: DEFAULT_REMINDER_LADDER,
  rules: { dueSoonDays: 14, cutoffNearDays: 30, escalation: { executivesDays: 7, liaisonDays: 1, agencyDaysAfter: 14 } },
  staleReportDays: 30,
  lastReportedAt: null,
  milestones: [],
  pausedUntil: null,
  snoozedUntil: null,
  ...extra,
});

describe('nextPlanAt: when an unchanged organisation must be planned again', () => {
  it('is the next stage, or a day at most', () => {
    expect(nextPlanAt(base(-200))).toEqual(at(-199));
    expect(nextPlanAt(base(-90.5))).toEqual(at(-90));
    expect(nextPlanAt(base(-60))).toEqual(at(-59)); // nothing before T-30 but the day's cap
  });
  it('is the next overdue stage after the cutoff, and the agency threshold', () => {
    expect(nextPlanAt(base(6.5))).toEqual(at(7));
    expect(nextPlanAt(base(13.5))).toEqual(at(14));
  });
  it('is a milestone entering its due-soon windows or passing its target', () => {
    const milestones = [{ targetAt: at(-40.25), state: 'NOT_STARTED' }];
    expect(nextPlanAt(base(-54.5, { milestones }))).toEqual(at(-54.25)); // the status rule's 14 days
    expect(nextPlanAt(base(-47.5, { milestones }))).toEqual(at(-47.25)); // the ladder's 7 days
    expect(nextPlanAt(base(-40.5, { milestones }))).toEqual(at(-40.25)); // the target
    expect(nextPlanAt(base(-40.5, { milestones: [{ targetAt: at(-40.25), state: 'DONE' }] }))).toEqual(at(-39.5));
  });
  it('is a report going stale, a hold ending, a snooze ending', () => {
    expect(nextPlanAt(base(-50.5, { lastReportedAt: at(-80.25) }))).toEqual(at(-50.25));
    expect(nextPlanAt(base(-50.5, { pausedUntil: at(-50.1) }))).toEqual(at(-50.1));
    expect(nextPlanAt(base(-50.5, { snoozedUntil: at(-50.2) }))).toEqual(at(-50.2));
  });
  it('is an extension lapsing, and its status report coming due', () => {
    const rules = { ...base(0).rules, extensions: { maxGrantDays: 183, maxGrantsPerMilestone: 2, statusReportEveryDays: 90 } };
    const extended = { targetAt: at(180), state: 'IN_PROGRESS', extensionExpiresAt: at(180.5), extensionLapsesTo: at(0), extensionReportedAt: at(-20) };
    expect(nextPlanAt(base(180.25, { rules, milestones: [extended] }))).toEqual(at(180.5)); // it lapses
    expect(nextPlanAt(base(62.5, { rules, milestones: [extended] }))).toEqual(at(63)); // the report's due-soon window (7 days before day 70)
    expect(nextPlanAt(base(69.5, { rules, milestones: [extended] }))).toEqual(at(70)); // the report falls due
    expect(nextPlanAt(base(172.5, { rules, milestones: [{ ...extended, extensionReportedAt: at(170) }] }))).toEqual(at(173)); // executives join, counted from the extended target
  });
});
