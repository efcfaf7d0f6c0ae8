import { extensionStanding, grantProblems, judgedTarget, statusReportDueAt } from './extension-rules';
import { programmeRuleProblems, ProgrammeRules } from './programme';

const DAY = 86_400_000;
const CUTOFF = new Date('2024-09-29T04:00:00Z');
const at = (d: number) => new Date(CUTOFF.getTime() + d * DAY);
const FCC = { maxGrantDays: 183, maxGrantsPerMilestone: 2, statusReportEveryDays: 90 };

describe('extension standing', () => {
  const extended = { targetAt: at(180), extensionExpiresAt: at(180), extensionLapsesTo: at(0), extensionReportedAt: at(-20) };
  it.each([
    ['never extended', { targetAt: at(0) }, 30, 'NONE', at(0)],
    ['unexpired: the extended target', extended, 30, 'EXTENDED', at(180)],
    ['at the expiry instant: lapsed, the target before it', extended, 180, 'LAPSED', at(0)],
  ] as const)('%s', (_name, m, now, standing, target) => {
    expect(extensionStanding(m, at(now).getTime())).toBe(standing);
    expect(judgedTarget(m, at(now).getTime())).toEqual(target);
  });

  it('asks a status report every statusReportEveryDays after the grant or the last report, only while extended', () => {
    expect(statusReportDueAt(extended, at(30).getTime(), FCC)).toEqual(at(70));
    expect(statusReportDueAt({ ...extended, extensionReportedAt: at(60) }, at(100).getTime(), FCC)).toEqual(at(150));
    expect(statusReportDueAt(extended, at(181).getTime(), FCC)).toBeNull();
    expect(statusReportDueAt(extended, at(30).getTime(), { ...FCC, statusReportEveryDays: null })).toBeNull();
    expect(statusReportDueAt(extended, at(30).getTime(), undefined)).toBeNull();
  });
});

describe('grantProblems', () => {
  const base = { currentTarget: at(0), target: at(180), targetField: 'grantedTargetAt', expiresAt: at(180), now: at(-20), grantsSoFar: 0, countField: 'id' };
  it.each([
    ['six months from the current target', base, []],
    [
      'a day longer than the longest grant',
      { ...base, target: at(184), expiresAt: at(184) },
      [
        ['grantedTargetAt', false],
        ['expiresAt', false],
      ],
    ],
    ['an expiry past the longest grant', { ...base, expiresAt: at(200) }, [['expiresAt', false]]],
    ['not later than the current target', { ...base, target: at(0), expiresAt: at(10) }, [['grantedTargetAt', false]]],
    ['an expiry before the target', { ...base, expiresAt: at(100) }, [['expiresAt', false]]],
    ['an expiry already past', { ...base, now: at(190), target: at(10), expiresAt: at(10) }, [['expiresAt', false]]],
    ['a third grant where the programme allows two', { ...base, grantsSoFar: 2 }, [['id', true]]],
  ] as const)('%s', (_name, given, expected) => {
    expect(grantProblems(FCC, given).map((p) => [p.field, p.conflict ?? false])).toEqual(expected);
  });

  it('without rules (a programme made before them) caps nothing', () => {
    expect(grantProblems(undefined, { ...base, target: at(1000), expiresAt: at(1000), grantsSoFar: 9 })).toEqual([]);
  });

  it('names the limit in the refusal', () => {
    expect(grantProblems(FCC, { ...base, target: at(200), expiresAt: at(200) })[0].message).toBe(
      `one extension may give at most 183 days after the current target ${at(0).toISOString()}, by ${at(183).toISOString()}`,
    );
  });
});

describe('the programme checks its extension rules', () => {
  const rules: ProgrammeRules = {
    inventoryMilestoneKey: 'A',
    removalVerifiedMilestoneKey: 'A',
    dueSoonDays: 14,
    cutoffNearDays: 30,
    laggingShare: 0.5,
    escalation: { executivesDays: 7, liaisonDays: 1, agencyDaysAfter: 14 },
    extensions: { maxGrantDays: 0, maxGrantsPerMilestone: 1.5, statusReportEveryDays: 0 },
  };
  it('names each bad field', () => {
    const fields = programmeRuleProblems(rules, [{ key: 'A', name: 'A', itOffsetDays: 0, otOffsetDays: 0 }]).map((p) => p.field);
    expect(fields).toEqual(['rules.extensions.maxGrantDays', 'rules.extensions.maxGrantsPerMilestone', 'rules.extensions.statusReportEveryDays']);
    expect(programmeRuleProblems({ ...rules, extensions: FCC }, [{ key: 'A', name: 'A', itOffsetDays: 0, otOffsetDays: 0 }])).toEqual([]);
  });
});
