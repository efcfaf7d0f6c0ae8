/**
 * The reminder ladder: which stage an organisation is in at an instant. Pure: the ladder is data on
 * the programme, the instant is an argument.
 *
 * Countdown stages fire at each "days before the cutoff" of the ladder (T-90 … T-0); only the latest
 * stage reached counts, so a planner that starts late never sends a burst of old stages. From the
 * cutoff instant on, an OVERDUE stage every `overdueEveryDays` until removal is verified.
 */
import { ExtendableMilestone, judgedTarget, statusReportDueAt } from '../extension-rules';
import type { ExtensionRules, ReminderLadder } from '../programme';

const DAY = 86_400_000;

export interface Stage {
  /** Stable key: part of each delivery's unique key. */
  key: string;
  kind: 'COUNTDOWN' | 'OVERDUE';
  /** When the stage began. */
  startsAt: Date;
  /** Whole days to the cutoff (negative after it). */
  daysToCutoff: number;
  /** T-1, T-0 and overdue stages may override quiet hours. */
  urgent: boolean;
}

export function currentStage(now: Date, cutoff: Date, ladder: ReminderLadder): Stage | null {
  const t = now.getTime();
  const c = cutoff.getTime();
  const daysToCutoff = Math.ceil((c - t) / DAY);
  if (t >= c) {
    const week = Math.floor((t - c) / (ladder.overdueEveryDays * DAY));
    if (week === 0) return { key: 'T-0', kind: 'COUNTDOWN', startsAt: cutoff, daysToCutoff, urgent: true };
    return { key: `OVERDUE-${week}`, kind: 'OVERDUE', startsAt: new Date(c + week * ladder.overdueEveryDays * DAY), daysToCutoff, urgent: true };
  }
  const reached = [...ladder.stagesDaysBeforeCutoff].sort((a, b) => a - b).find((d) => t >= c - d * DAY);
  if (reached === undefined) return null;
  return { key: `T-${reached}`, kind: 'COUNTDOWN', startsAt: new Date(c - reached * DAY), daysToCutoff, urgent: reached <= 1 };
}

export interface MilestoneFact extends ExtendableMilestone {
  id: string;
  key: string;
  track: string;
  name: string;
  state: string;
}

export interface MilestoneStage {
  key: string;
  kind: 'DUE_SOON' | 'OVERDUE';
  milestone: MilestoneFact;
}

/**
 * A milestone not done gets one "due soon" reminder within `milestoneDueSoonDays` of its target and
 * one "overdue" reminder after it. The key names the target, so a moved target is a new reminder.
 */
export function milestoneStages(now: Date, milestones: readonly MilestoneFact[], ladder: ReminderLadder): MilestoneStage[] {
  const t = now.getTime();
  const stages: MilestoneStage[] = [];
  for (const m of milestones) {
    if (m.state === 'DONE') continue;
    // judged against the extended target while its extension holds, the one before it once it lapses
    const judged = judgedTarget(m, t);
    const target = judged.getTime();
    const due = judged === m.targetAt ? m : { ...m, targetAt: judged };
    const id = `${m.track}:${m.key}:${judged.toISOString()}`;
    if (t > target) stages.push({ key: `MILESTONE-OVERDUE:${id}`, kind: 'OVERDUE', milestone: due });
    else if (target - t <= ladder.milestoneDueSoonDays * DAY) stages.push({ key: `MILESTONE-DUE:${id}`, kind: 'DUE_SOON', milestone: due });
  }
  return stages;
}

/**
 * A status report on an extension is a due date like a milestone's: one "due soon" reminder within
 * `milestoneDueSoonDays` of it and one "overdue" after it, listed in the same message as the milestones.
 * The key names the due instant, so a report filed (the next one due later) is a new reminder.
 */
export function extensionReportStages(
  now: Date,
  milestones: readonly MilestoneFact[],
  ladder: ReminderLadder,
  rules: ExtensionRules | undefined,
): MilestoneStage[] {
  const t = now.getTime();
  const stages: MilestoneStage[] = [];
  for (const m of milestones) {
    if (m.state === 'DONE') continue;
    const dueAt = statusReportDueAt(m, t, rules);
    if (!dueAt) continue;
    const report: MilestoneFact = {
      id: m.id,
      key: m.key,
      track: m.track,
      name: `Status report on the extension of ${m.name}`,
      targetAt: dueAt,
      state: 'REPORT_DUE',
    };
    const id = `${m.track}:${m.key}:${dueAt.toISOString()}`;
    if (t > dueAt.getTime()) stages.push({ key: `EXTENSION-REPORT-OVERDUE:${id}`, kind: 'OVERDUE', milestone: report });
    else if (dueAt.getTime() - t <= ladder.milestoneDueSoonDays * DAY) stages.push({ key: `EXTENSION-REPORT-DUE:${id}`, kind: 'DUE_SOON', milestone: report });
  }
  return stages;
}

/**
 * What one message to a recipient covers at an instant: the countdown stage when there is one, with
 * every milestone due or overdue listed inside it, so a recipient hears once per stage (and level), not
 * once more for each lagging milestone. Before the first countdown stage, milestones due or overdue make
 * one message of their own, keyed by the set of them, so a milestone newly due or newly overdue is a new
 * message and an unchanged set is not.
 */
export function messageStage(stage: Stage | null, milestones: readonly MilestoneStage[]): { key: string; urgent: boolean } | null {
  if (stage) return { key: stage.key, urgent: stage.urgent };
  if (milestones.length === 0) return null;
  return {
    key: `MILESTONES:${fingerprint(
      milestones
        .map((m) => m.key)
        .sort()
        .join('\n'),
    )}`,
    urgent: milestones.some((m) => m.kind === 'OVERDUE'),
  };
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable name for a set of milestone keys. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
