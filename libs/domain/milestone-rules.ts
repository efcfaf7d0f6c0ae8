import type { MilestoneState } from './vocabulary';

/** A milestone as the reporting rule sees it. */
export interface ReportableMilestone {
  state: MilestoneState;
  blockedReason: string | null;
  evidence: string | null;
  reportedBy: string | null;
  reportedAt: Date | null;
  verifiedBy: string | null;
  verifiedAt: Date | null;
  updatedAt: Date;
}

export interface MilestoneReport {
  state?: MilestoneState;
  blockedReason?: string | null;
  evidence?: string | null;
}

/**
 * Applies a reported change of state, or answers the problem (a BLOCKED milestone needs its reason).
 * What an organisation reports and what a liaison verified are different facts: a new state clears an
 * earlier verification, since it no longer verifies what is reported.
 */
export function applyMilestoneReport(
  milestone: ReportableMilestone,
  report: MilestoneReport,
  reporter: string,
  now: Date,
): { field: string; message: string } | null {
  const state = report.state ?? milestone.state;
  const blockedReason = report.blockedReason !== undefined ? report.blockedReason : milestone.blockedReason;
  if (state === 'BLOCKED' && !blockedReason) return { field: 'blockedReason', message: 'is required when the state is BLOCKED' };
  if (state !== milestone.state) {
    milestone.verifiedAt = null;
    milestone.verifiedBy = null;
  }
  milestone.state = state;
  milestone.blockedReason = state === 'BLOCKED' ? blockedReason : null;
  if (report.evidence !== undefined) milestone.evidence = report.evidence;
  milestone.reportedBy = reporter;
  milestone.reportedAt = now;
  milestone.updatedAt = now;
  return null;
}
