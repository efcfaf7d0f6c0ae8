import { DEFAULT_REMINDER_LADDER } from '../programme';
import { linkExpiresAt, linkRequestWindow, maskedEmail, nextStageAt } from './link-rules';

const cutoff = new Date('2024-09-29T04:00:00Z');
const DAY = 86_400_000;
const at = (daysFromCutoff: number) => new Date(cutoff.getTime() + daysFromCutoff * DAY);

describe('link rules', () => {
  it.each([
    ['before the first stage: T-90', -120, -90],
    ['at T-14 exactly: the next is T-7', -14, -7],
    ['between T-14 and T-7', -10, -7],
    ['the day before: the cutoff', -0.5, 0],
    ['at the cutoff: the first overdue stage', 0, 7],
    ['after the cutoff: the next overdue stage', 9, 14],
  ])('the next stage, %s', (_, now, next) => {
    expect(nextStageAt(at(now), cutoff, DEFAULT_REMINDER_LADDER)).toEqual(at(next));
  });

  it("a link opens until a week (the programme's days) after the next stage", () => {
    expect(linkExpiresAt(at(-14), cutoff, DEFAULT_REMINDER_LADDER)).toEqual(at(0));
    expect(linkExpiresAt(at(-14), cutoff, { ...DEFAULT_REMINDER_LADDER, linkValidDaysAfterNextStage: 2 })).toEqual(at(-5));
    const { linkValidDaysAfterNextStage: _, ...older } = DEFAULT_REMINDER_LADDER;
    expect(linkExpiresAt(at(-14), cutoff, older)).toEqual(at(0));
  });

  it('masks an address enough to recognise, not to harvest', () => {
    expect(maskedEmail('jane.doe@water.example.gov')).toBe('j••••••@water.example.gov');
    expect(maskedEmail('al@x.org')).toBe('a••@x.org');
    expect(maskedEmail('nonsense')).toBe('…');
  });

  it('two requests in one ten-minute window are the same window', () => {
    expect(linkRequestWindow(new Date('2026-12-02T10:03:00Z'))).toBe(linkRequestWindow(new Date('2026-12-02T10:09:59Z')));
    expect(linkRequestWindow(new Date('2026-12-02T10:10:00Z'))).not.toBe(linkRequestWindow(new Date('2026-12-02T10:09:59Z')));
  });
});
