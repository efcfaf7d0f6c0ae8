/**
 * When the planner must look at an organisation again if nothing about it changes: the first instant
 * after `now` at which anything the plan reads from the clock can turn. The planner then passes over
 * only the organisations whose instant has come or whose facts changed (the change path marks those),
 * and an unchanged country costs a pass almost nothing. Pure: the instants are the programme's and the
 * organisation's; a day is the longest it waits, so a rule that reads the clock in a way not listed
 * here is late by a day at most, never silent.
 *
 * The instants: each countdown stage and each overdue stage after the cutoff (the ladder); the
 * escalation rule's thresholds (executives, liaison, agency, the near-cutoff window); for each
 * milestone not done, the start of its due-soon windows (the ladder's and the status rule's) and its
 * target; the day its last report goes stale; the end of an acknowledgement's hold and of a snooze.
 * For a milestone under extension, also its expiry (it lapses back), the escalation thresholds counted
 * from its extended target, and its status report's due date and due-soon window.
 */
import { ExtendableMilestone, extensionStanding, judgedTarget, statusReportDueAt } from '../extension-rules';
import type { ProgrammeRules, ReminderLadder } from '../programme';

const DAY = 86_400_000;

export interface NextPlanInput {
  now: Date;
  cutoff: Date;
  ladder: Pick<ReminderLadder, 'stagesDaysBeforeCutoff' | 'overdueEveryDays' | 'milestoneDueSoonDays'>;
  rules: Pick<ProgrammeRules, 'dueSoonDays' | 'cutoffNearDays' | 'escalation' | 'extensions'>;
  staleReportDays: number;
  lastReportedAt: Date | null;
  milestones: ReadonlyArray<ExtendableMilestone & { state: string }>;
  pausedUntil: Date | null;
  snoozedUntil: Date | null;
}

export function nextPlanAt(input: NextPlanInput): Date {
  const now = input.now.getTime();
  const cutoff = input.cutoff.getTime();
  let next = now + DAY;
  const consider = (t: number | null | undefined) => {
    if (t !== null && t !== undefined && t > now && t < next) next = t;
  };
  for (const d of input.ladder.stagesDaysBeforeCutoff) consider(cutoff - d * DAY);
  const every = input.ladder.overdueEveryDays * DAY;
  if (now >= cutoff && every > 0) consider(cutoff + (Math.floor((now - cutoff) / every) + 1) * every);
  const { executivesDays, liaisonDays, agencyDaysAfter } = input.rules.escalation;
  for (const t of [
    cutoff,
    cutoff - executivesDays * DAY,
    cutoff - liaisonDays * DAY,
    cutoff + agencyDaysAfter * DAY,
    cutoff - input.rules.cutoffNearDays * DAY,
  ])
    consider(t);
  for (const m of input.milestones) {
    if (m.state === 'DONE') continue;
    const target = judgedTarget(m, now).getTime();
    consider(target);
    consider(target - input.ladder.milestoneDueSoonDays * DAY);
    consider(target - input.rules.dueSoonDays * DAY);
    if (extensionStanding(m, now) === 'EXTENDED') {
      consider(m.extensionExpiresAt!.getTime());
      for (const t of [target - executivesDays * DAY, target - liaisonDays * DAY, target + agencyDaysAfter * DAY, target - input.rules.cutoffNearDays * DAY])
        consider(t);
      const reportDue = statusReportDueAt(m, now, input.rules.extensions)?.getTime();
      if (reportDue !== undefined) {
        consider(reportDue);
        consider(reportDue - input.ladder.milestoneDueSoonDays * DAY);
      }
    }
  }
  if (input.lastReportedAt) consider(input.lastReportedAt.getTime() + input.staleReportDays * DAY);
  consider(input.pausedUntil?.getTime());
  consider(input.snoozedUntil?.getTime());
  return new Date(next);
}
