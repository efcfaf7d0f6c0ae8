import type { EscalationRules } from './escalation';
import { escalationLevel, EscalationFacts } from './escalation';

/** The seeded programme's escalation rules (libs/reference/reference-data.ts). */
const RULES: EscalationRules = { cutoffNearDays: 30, laggingShare: 0.5, escalation: { executivesDays: 7, liaisonDays: 1, agencyDaysAfter: 14 } };
const levelWithSeededRules = (f: EscalationFacts) => escalationLevel(f, RULES);

const CUTOFF = new Date('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
const facts = (days: number, extra: Partial<EscalationFacts> = {}): EscalationFacts => ({
  now: new Date(CUTOFF.getTime() - days * DAY),
  cutoff: CUTOFF,
  overdueMilestones: 0,
  endpointsTotal: 100,
  endpointsRemaining: 10,
  reportStale: false,
  hasOt: false,
  criticalityTier: 3,
  acknowledgedLevel: null,
  pausedUntil: null,
  ...extra,
});

describe('escalationLevel', () => {
  it.each([
    // days to cutoff, what lags, expected level
    [90, {}, 1],
    [90, { overdueMilestones: 1 }, 2],
    [90, { overdueMilestones: 2, reportStale: true }, 3],
    [90, { hasOt: true }, 1], // criticality counts only within 30 days
    [30, { hasOt: true }, 2],
    [30, { endpointsRemaining: 80 }, 2],
    [14, {}, 1],
    [7, {}, 2],
    [7, { criticalityTier: 1 }, 3],
    [7, { overdueMilestones: 1, endpointsRemaining: 60, reportStale: true }, 4], // lag counts at most 2
    [1, {}, 3],
    [0, {}, 3],
    [-7, {}, 3],
    [-7, { hasOt: true }, 4],
    [-15, {}, 4],
  ])('%s days before the cutoff with %p → level %s', (days, extra, level) => {
    expect(levelWithSeededRules(facts(days as number, extra as Partial<EscalationFacts>)).level).toBe(level);
  });

  it('holds the level while an acknowledgement lasts, then climbs again', () => {
    const pausedUntil = new Date(CUTOFF.getTime() - 3 * DAY);
    const held = levelWithSeededRules(facts(7, { overdueMilestones: 1, acknowledgedLevel: 2, pausedUntil }));
    expect(held).toMatchObject({ level: 2, unheldLevel: 3 });
    const lapsed = levelWithSeededRules(facts(2, { overdueMilestones: 1, acknowledgedLevel: 2, pausedUntil }));
    expect(lapsed.level).toBe(3);
  });

  it('never holds a level above what the rule gives', () => {
    const pausedUntil = new Date(CUTOFF.getTime() + DAY);
    expect(levelWithSeededRules(facts(60, { acknowledgedLevel: 3, pausedUntil })).level).toBe(1);
  });
});
