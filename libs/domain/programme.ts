/** The parameters a programme gives its rules: plain data, read by the pure rules and stored on the programme row. */

export interface MilestonePlanStep {
  key: string;
  name: string;
  /** Target relative to the programme's updates cutoff, in days (negative: before it). */
  itOffsetDays: number;
  otOffsetDays: number;
}

export interface ReminderLadder {
  /** Days before the cutoff at which a reminder stage fires. */
  stagesDaysBeforeCutoff: number[];
  /** After the cutoff, an overdue reminder every so many days until removal is verified. */
  overdueEveryDays: number;
  milestoneDueSoonDays: number;
  /** An acknowledgement holds the level this long; without progress it climbs again after. */
  acknowledgePauseDays: number;
  /** The longest snooze; a snooze never passes the cutoff. */
  snoozeMaxDays: number;
  /** The most days an organisation may snooze in all (absent on programmes made before it: one snooze's worth). */
  snoozeTotalMaxDays?: number;
  /** No snooze within so many days of the cutoff (absent: 7). */
  noSnoozeWithinDays?: number;
  /** A link in a message opens until so many days after the next reminder stage (absent: 7; libs/domain/links/link-rules.ts). */
  linkValidDaysAfterNextStage?: number;
}

export const DEFAULT_REMINDER_LADDER: ReminderLadder = {
  stagesDaysBeforeCutoff: [90, 60, 30, 14, 7, 3, 1, 0],
  overdueEveryDays: 7,
  milestoneDueSoonDays: 7,
  acknowledgePauseDays: 7,
  snoozeMaxDays: 14,
  snoozeTotalMaxDays: 21,
  noSnoozeWithinDays: 7,
  linkValidDaysAfterNextStage: 7,
};

/**
 * The thresholds and milestone meanings the status and escalation rules read. Each programme carries its
 * own (a regulation's timetable is not another's); none is a constant in code.
 */
export interface ProgrammeRules {
  /** The milestone that, done and verified with no footprint reported, means nothing of the product was found. */
  inventoryMilestoneKey: string;
  /** The milestone whose verification on every track means removal is verified. */
  removalVerifiedMilestoneKey: string;
  /** A milestone not started and due within so many days puts the organisation at risk. */
  dueSoonDays: number;
  /** Within so many days of the cutoff, endpoints remaining above `laggingShare` of the total are a risk and a lag. */
  cutoffNearDays: number;
  laggingShare: number;
  /** Escalation by time: executives join within `executivesDays` of the cutoff, the liaison within `liaisonDays`, the agency `agencyDaysAfter` days past it. */
  escalation: { executivesDays: number; liaisonDays: number; agencyDaysAfter: number };
  /** How far extensions may go (absent on programmes made before them: no cap, no status report). */
  extensions?: ExtensionRules;
}

/**
 * After the FCC's rip-and-replace programme (one year to finish, extensions of six months each, a
 * status report every 90 days while extended): what one grant may give and what it asks in return.
 */
export interface ExtensionRules {
  /** The longest one grant may give: its target and its expiry at most so many days after the target it extends. */
  maxGrantDays: number;
  /** How many extensions one milestone may be granted in all. */
  maxGrantsPerMilestone: number;
  /** While a milestone is under extension, a status report is due so many days after the grant or the last report (null: none asked). */
  statusReportEveryDays: number | null;
}

/** How messages name what the programme is about: the product, and what happens to a copy left running. */
export interface ProgrammeWording {
  /** e.g. the vendor's name, as in "removal of <product>". */
  product: string;
  /** One sentence on what the cutoff means for a copy left running. */
  consequence: string;
}

/** The problems of a set of rules, for an administrator creating or editing a programme. */
export function programmeRuleProblems(rules: ProgrammeRules, plan: MilestonePlanStep[]): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const keys = new Set(plan.map((s) => s.key));
  if (plan.length === 0) problems.push({ field: 'milestonePlan', message: 'needs at least one milestone' });
  if (keys.size !== plan.length) problems.push({ field: 'milestonePlan', message: 'milestone keys must be unique' });
  if (!keys.has(rules.inventoryMilestoneKey))
    problems.push({ field: 'rules.inventoryMilestoneKey', message: `is not a milestone of the plan (${[...keys].join(', ')})` });
  if (!keys.has(rules.removalVerifiedMilestoneKey))
    problems.push({ field: 'rules.removalVerifiedMilestoneKey', message: `is not a milestone of the plan (${[...keys].join(', ')})` });
  for (const [field, value] of [
    ['dueSoonDays', rules.dueSoonDays],
    ['cutoffNearDays', rules.cutoffNearDays],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 365)
      problems.push({ field: `rules.${field}`, message: 'must be a whole number of days from 0 to 365' });
  }
  if (!(rules.laggingShare > 0 && rules.laggingShare < 1)) problems.push({ field: 'rules.laggingShare', message: 'must be between 0 and 1' });
  const e = rules.escalation;
  if (!(Number.isInteger(e.executivesDays) && Number.isInteger(e.liaisonDays) && e.executivesDays > e.liaisonDays && e.liaisonDays >= 0)) {
    problems.push({ field: 'rules.escalation', message: 'executivesDays must be a whole number greater than liaisonDays, and liaisonDays at least 0' });
  }
  if (!(Number.isInteger(e.agencyDaysAfter) && e.agencyDaysAfter >= 0))
    problems.push({ field: 'rules.escalation.agencyDaysAfter', message: 'must be a whole number of days, 0 or more' });
  const x = rules.extensions;
  if (x) {
    if (!(Number.isInteger(x.maxGrantDays) && x.maxGrantDays >= 1 && x.maxGrantDays <= 3650))
      problems.push({ field: 'rules.extensions.maxGrantDays', message: 'must be a whole number of days from 1 to 3650' });
    if (!(Number.isInteger(x.maxGrantsPerMilestone) && x.maxGrantsPerMilestone >= 1 && x.maxGrantsPerMilestone <= 20))
      problems.push({ field: 'rules.extensions.maxGrantsPerMilestone', message: 'must be a whole number from 1 to 20' });
    if (x.statusReportEveryDays !== null && !(Number.isInteger(x.statusReportEveryDays) && x.statusReportEveryDays >= 1 && x.statusReportEveryDays <= 365)) {
      problems.push({ field: 'rules.extensions.statusReportEveryDays', message: 'must be a whole number of days from 1 to 365, or null for none' });
    }
  }
  return problems;
}
