import { DEFAULT_REMINDER_LADDER } from '../programme';
import { currentStage, extensionReportStages, messageStage, milestoneStages } from './ladder';

const CUTOFF = new Date('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(CUTOFF.getTime() + days * DAY);

describe('currentStage', () => {
  it.each([
    [-100, null],
    [-90, 'T-90'],
    [-61, 'T-90'],
    [-60, 'T-60'],
    [-29.5, 'T-30'],
    [-7, 'T-7'],
    [-3, 'T-3'],
    [-1, 'T-1'],
    [-1 / 86_400_000, 'T-1'],
    [0, 'T-0'],
    [6.9, 'T-0'],
    [7, 'OVERDUE-1'],
    [14, 'OVERDUE-2'],
    [30, 'OVERDUE-4'],
  ])('%s days from the cutoff is stage %s', (days, key) => {
    expect(currentStage(at(days as number), CUTOFF, DEFAULT_REMINDER_LADDER)?.key ?? null).toBe(key);
  });

  it('marks the final day and overdue stages urgent', () => {
    expect(currentStage(at(-1), CUTOFF, DEFAULT_REMINDER_LADDER)!.urgent).toBe(true);
    expect(currentStage(at(-3), CUTOFF, DEFAULT_REMINDER_LADDER)!.urgent).toBe(false);
    expect(currentStage(at(8), CUTOFF, DEFAULT_REMINDER_LADDER)!.urgent).toBe(true);
  });
});

describe('milestoneStages', () => {
  const m = (targetDays: number, state = 'NOT_STARTED') => ({ id: 'm', key: 'PILOT_DEPLOYED', track: 'IT', name: 'Pilot', targetAt: at(targetDays), state });
  it('is due soon within seven days, overdue after, silent when done or far', () => {
    expect(milestoneStages(at(-40), [m(-28)], DEFAULT_REMINDER_LADDER)).toEqual([]);
    expect(milestoneStages(at(-30), [m(-28)], DEFAULT_REMINDER_LADDER)[0].kind).toBe('DUE_SOON');
    expect(milestoneStages(at(-27), [m(-28)], DEFAULT_REMINDER_LADDER)[0].kind).toBe('OVERDUE');
    expect(milestoneStages(at(-27), [m(-28, 'DONE')], DEFAULT_REMINDER_LADDER)).toEqual([]);
  });
  it('gives a moved target a new key', () => {
    const [before] = milestoneStages(at(-27), [m(-28)], DEFAULT_REMINDER_LADDER);
    const [after] = milestoneStages(at(-27), [m(60)], DEFAULT_REMINDER_LADDER);
    expect(after).toBeUndefined();
    const [later] = milestoneStages(at(59), [m(60)], DEFAULT_REMINDER_LADDER);
    expect(later.key).not.toBe(before.key);
  });
});

describe('messageStage: one message per recipient per stage', () => {
  const m = (key: string, targetDays: number) => ({ id: key, key, track: 'IT', name: key, targetAt: at(targetDays), state: 'NOT_STARTED' });
  const fourteen = Array.from({ length: 14 }, (_, i) => m(`M${i}`, -20 + i));
  it('folds every milestone due or overdue into the countdown stage', () => {
    const due = milestoneStages(at(-7), fourteen, DEFAULT_REMINDER_LADDER);
    expect(due.length).toBe(14);
    expect(messageStage(currentStage(at(-7), CUTOFF, DEFAULT_REMINDER_LADDER), due)).toEqual({ key: 'T-7', urgent: false });
  });
  it('before the first stage, names the set of milestones: the same set is the same message, a new one is a new message', () => {
    const early = (now: number, ms: ReturnType<typeof m>[]) =>
      messageStage(currentStage(at(now), CUTOFF, DEFAULT_REMINDER_LADDER), milestoneStages(at(now), ms, DEFAULT_REMINDER_LADDER));
    expect(early(-130, [m('A', -100)])).toBeNull();
    const a = early(-105, [m('A', -100), m('B', -80)])!;
    expect(a).toEqual({ key: expect.stringMatching(/^MILESTONES:[0-9a-f]{8}$/), urgent: false });
    expect(early(-104, [m('A', -100), m('B', -80)])).toEqual(a);
    const overdue = early(-99, [m('A', -100), m('B', -80)])!;
    expect(overdue.key).not.toBe(a.key);
    expect(overdue.urgent).toBe(true);
  });
});

describe('extensions in the reminders', () => {
  const FCC = { maxGrantDays: 183, maxGrantsPerMilestone: 2, statusReportEveryDays: 90 };
  const removal = {
    id: 'm1',
    key: 'KASPERSKY_REMOVED',
    track: 'OT',
    name: 'Kaspersky removed',
    state: 'IN_PROGRESS',
    targetAt: at(180),
    extensionExpiresAt: at(180),
    extensionLapsesTo: at(0),
    extensionReportedAt: at(-20),
  };
  it('reminds a milestone at its extended target while the extension holds, at the target before it once it lapses', () => {
    expect(milestoneStages(at(175), [removal], DEFAULT_REMINDER_LADDER).map((s) => s.key)).toEqual([
      `MILESTONE-DUE:OT:KASPERSKY_REMOVED:${at(180).toISOString()}`,
    ]);
    const lapsed = milestoneStages(at(181), [removal], DEFAULT_REMINDER_LADDER);
    expect(lapsed.map((s) => s.key)).toEqual([`MILESTONE-OVERDUE:OT:KASPERSKY_REMOVED:${at(0).toISOString()}`]);
    expect(lapsed[0].milestone.targetAt).toEqual(at(0));
  });
  it("reminds the status report like a due date: due soon within the ladder's days, overdue after, a new one once filed", () => {
    expect(extensionReportStages(at(60), [removal], DEFAULT_REMINDER_LADDER, FCC)).toEqual([]);
    const soon = extensionReportStages(at(65), [removal], DEFAULT_REMINDER_LADDER, FCC);
    expect(soon).toMatchObject([
      {
        kind: 'DUE_SOON',
        key: `EXTENSION-REPORT-DUE:OT:KASPERSKY_REMOVED:${at(70).toISOString()}`,
        milestone: { name: 'Status report on the extension of Kaspersky removed', targetAt: at(70) },
      },
    ]);
    expect(extensionReportStages(at(71), [removal], DEFAULT_REMINDER_LADDER, FCC)).toMatchObject([{ kind: 'OVERDUE' }]);
    expect(extensionReportStages(at(71), [{ ...removal, extensionReportedAt: at(68) }], DEFAULT_REMINDER_LADDER, FCC)).toEqual([]);
    expect(extensionReportStages(at(71), [removal], DEFAULT_REMINDER_LADDER, { ...FCC, statusReportEveryDays: null })).toEqual([]);
    expect(extensionReportStages(at(181), [removal], DEFAULT_REMINDER_LADDER, FCC)).toEqual([]);
  });
});
