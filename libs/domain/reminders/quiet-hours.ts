/**
 * When a message may be delivered: within business hours in the recipient's time zone, or at once
 * when the stage is urgent (final day, overdue). The cutoff instant never moves; only delivery does.
 */
export interface BusinessHours {
  start: number; // hour, local
  end: number; // hour, local, exclusive
  weekdaysOnly: boolean;
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { start: 9, end: 17, weekdaysOnly: true };

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// A planner pass asks the same few instants in the same few zones for every recipient (hundreds of
// thousands of times at national scale), and formatting is the costly part: each answer is kept.
const known = new Map<string, LocalParts>();
function localParts(instant: Date, timeZone: string): LocalParts {
  const key = `${timeZone}|${instant.getTime()}`;
  let parts = known.get(key);
  if (!parts) {
    if (known.size >= 10_000) known.clear();
    known.set(key, (parts = formatLocalParts(instant, timeZone)));
  }
  return parts;
}

function formatLocalParts(instant: Date, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday);
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour % 24, minute: +parts.minute, weekday };
}

/** The UTC instant of a local wall-clock time in a zone (exact outside DST gaps). */
function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  let guess = Date.UTC(year, month - 1, day, hour);
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const want = Date.UTC(year, month - 1, day, hour);
    if (asUtc === want) break;
    guess += want - asUtc;
  }
  return new Date(guess);
}

export function isWithinBusinessHours(instant: Date, timeZone: string, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): boolean {
  const p = localParts(instant, timeZone);
  if (hours.weekdaysOnly && (p.weekday === 0 || p.weekday === 6)) return false;
  return p.hour >= hours.start && p.hour < hours.end;
}

export function deliveryInstant(now: Date, timeZone: string, urgent: boolean, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): Date {
  if (urgent || isWithinBusinessHours(now, timeZone, hours)) return now;
  const p = localParts(now, timeZone);
  for (let offset = p.hour < hours.start ? 0 : 1; offset <= 8; offset++) {
    const day = new Date(Date.UTC(p.year, p.month - 1, p.day + offset));
    const weekday = day.getUTCDay();
    if (hours.weekdaysOnly && (weekday === 0 || weekday === 6)) continue;
    return zonedInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hours.start, timeZone);
  }
  return now;
}
