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
}

export const DEFAULT_REMINDER_LADDER: ReminderLadder = {
  stagesDaysBeforeCutoff: [90, 60, 30, 14, 7, 3, 1, 0],
  overdueEveryDays: 7,
  milestoneDueSoonDays: 7,
  acknowledgePauseDays: 7,
  snoozeMaxDays: 14,
};
