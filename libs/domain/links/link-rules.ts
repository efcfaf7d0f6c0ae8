import type { ReminderLadder } from '../programme';

const DAY = 86_400_000;

/** Days a link outlives the next reminder stage when the programme names none (ReminderLadder.linkValidDaysAfterNextStage). */
const DEFAULT_LINK_DAYS_AFTER_NEXT_STAGE = 7;

/**
 * The next instant a reminder stage of the ladder starts, strictly after `now`: the countdown's stages,
 * then the cutoff, then every `overdueEveryDays` after it (there is always a next one).
 */
export function nextStageAt(now: Date, cutoff: Date, ladder: ReminderLadder): Date {
  const t = now.getTime();
  const c = cutoff.getTime();
  const countdown = [...ladder.stagesDaysBeforeCutoff, 0].map((d) => c - d * DAY).filter((s) => s > t);
  if (countdown.length) return new Date(Math.min(...countdown));
  const every = ladder.overdueEveryDays * DAY;
  return new Date(c + (Math.floor((t - c) / every) + 1) * every);
}

/**
 * When a link made at `now` stops opening: a while after the next stage, so the link in one reminder
 * still works while the next one is on its way (the programme's `linkValidDaysAfterNextStage`).
 */
export function linkExpiresAt(now: Date, cutoff: Date, ladder: ReminderLadder): Date {
  const days = ladder.linkValidDaysAfterNextStage ?? DEFAULT_LINK_DAYS_AFTER_NEXT_STAGE;
  return new Date(nextStageAt(now, cutoff, ladder).getTime() + days * DAY);
}

/** An address as a page may show it to whoever holds a link: enough to recognise, not to harvest. */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '…';
  const local = email.slice(0, at);
  return `${local[0]}${'•'.repeat(Math.min(Math.max(local.length - 1, 2), 6))}${email.slice(at)}`;
}

/** How many fresh links one contact may ask for: one per window, and at most `perDay` a day. */
export const LINK_REQUEST_LIMITS = { windowMinutes: 10, perDay: 5 } as const;

/** The window a request for a fresh link falls in: two requests in one window are one message. */
export function linkRequestWindow(now: Date): string {
  const ms = LINK_REQUEST_LIMITS.windowMinutes * 60_000;
  return new Date(Math.floor(now.getTime() / ms) * ms).toISOString();
}
