/**
 * Derived status of one organisation in one programme: a pure function of its footprint, milestones,
 * last report, the programme and an instant. Dashboards, lists and reminders all call this one.
 *
 * The rule, in order (the first that holds wins; every reason found is returned):
 *  1. COMPLETE       nothing remains and removal is verified by a liaison on every track (or the
 *                    verified inventory found no Kaspersky at all).
 *  2. OVERDUE        the cutoff has passed, or a milestone is past its target (after any granted
 *                    extension) and not done.
 *  3. NOT_REPORTING  no report ever, or the last report is older than the programme's stale period.
 *  4. AT_RISK        a milestone is blocked; one is due within 14 days and not started; or the cutoff is
 *                    within 30 days and more than half of the endpoints remain.
 *  5. ON_TRACK       otherwise.
 */
export type OrganisationStatus = 'COMPLETE' | 'ON_TRACK' | 'AT_RISK' | 'OVERDUE' | 'NOT_REPORTING';
export type MilestoneState = 'NOT_STARTED' | 'IN_PROGRESS' | 'DONE' | 'BLOCKED';

export type StatusReasonCode =
  | 'REMOVAL_VERIFIED'
  | 'NO_KASPERSKY_FOUND'
  | 'PAST_CUTOFF'
  | 'MILESTONE_OVERDUE'
  | 'NO_REPORT'
  | 'STALE_REPORT'
  | 'MILESTONE_BLOCKED'
  | 'MILESTONE_DUE_SOON'
  | 'MOST_ENDPOINTS_REMAIN'
  | 'AWAITING_VERIFICATION';

export interface StatusReason {
  code: StatusReasonCode;
  message: string;
  milestoneKey?: string;
  track?: string;
}

export interface StatusInput {
  now: Date;
  cutoff: Date;
  staleReportDays: number;
  lastReportedAt: Date | null;
  footprint: ReadonlyArray<{ endpointCount: number; endpointsRemaining: number }>;
  milestones: ReadonlyArray<{
    key: string;
    track: string;
    targetAt: Date;
    state: MilestoneState;
    verifiedAt: Date | null;
  }>;
}

export interface StatusResult {
  status: OrganisationStatus;
  reasons: StatusReason[];
}

const DAY = 86_400_000;
export const DUE_SOON_DAYS = 14;
export const CUTOFF_NEAR_DAYS = 30;
export const REMOVAL_VERIFIED = 'REMOVAL_VERIFIED';
export const INVENTORY_COMPLETE = 'INVENTORY_COMPLETE';

const isVerifiedDone = (m: StatusInput['milestones'][number]) => m.state === 'DONE' && m.verifiedAt !== null;

export function deriveStatus(input: StatusInput): StatusResult {
  const { now, cutoff } = input;
  const total = input.footprint.reduce((sum, f) => sum + f.endpointCount, 0);
  const remaining = input.footprint.reduce((sum, f) => sum + f.endpointsRemaining, 0);
  const tracks = [...new Set(input.milestones.map((m) => m.track))];
  const byKey = (track: string, key: string) => input.milestones.find((m) => m.track === track && m.key === key);

  const removalVerified = tracks.length > 0 && tracks.every((t) => {
    const m = byKey(t, REMOVAL_VERIFIED);
    return m !== undefined && isVerifiedDone(m);
  });
  const inventory = byKey('IT', INVENTORY_COMPLETE);
  const nothingFound = input.footprint.length === 0 && inventory !== undefined && isVerifiedDone(inventory);
  if (remaining === 0 && removalVerified) {
    return { status: 'COMPLETE', reasons: [{ code: 'REMOVAL_VERIFIED', message: 'Removal verified on every track' }] };
  }
  if (nothingFound) {
    return { status: 'COMPLETE', reasons: [{ code: 'NO_KASPERSKY_FOUND', message: 'Verified inventory found no Kaspersky software' }] };
  }

  const overdue: StatusReason[] = [];
  const stale: StatusReason[] = [];
  const risk: StatusReason[] = [];
  const info: StatusReason[] = [];

  if (now.getTime() >= cutoff.getTime()) {
    const days = Math.floor((now.getTime() - cutoff.getTime()) / DAY);
    overdue.push({ code: 'PAST_CUTOFF', message: `The cutoff passed ${days} day(s) ago and removal is not verified` });
  }
  for (const m of input.milestones) {
    const label = `${m.track} ${m.key}`;
    if (m.state !== 'DONE' && now.getTime() > m.targetAt.getTime()) {
      overdue.push({ code: 'MILESTONE_OVERDUE', milestoneKey: m.key, track: m.track, message: `${label} was due ${m.targetAt.toISOString()}` });
    }
    if (m.state === 'BLOCKED') {
      risk.push({ code: 'MILESTONE_BLOCKED', milestoneKey: m.key, track: m.track, message: `${label} is blocked` });
    } else if (m.state === 'NOT_STARTED' && m.targetAt.getTime() >= now.getTime() && m.targetAt.getTime() - now.getTime() <= DUE_SOON_DAYS * DAY) {
      risk.push({ code: 'MILESTONE_DUE_SOON', milestoneKey: m.key, track: m.track, message: `${label} is due ${m.targetAt.toISOString()} and not started` });
    }
    if (m.state === 'DONE' && m.verifiedAt === null && m.key === REMOVAL_VERIFIED) {
      info.push({ code: 'AWAITING_VERIFICATION', milestoneKey: m.key, track: m.track, message: `${label} is reported done and awaits a liaison's verification` });
    }
  }
  if (input.lastReportedAt === null) {
    stale.push({ code: 'NO_REPORT', message: 'The organisation has never reported' });
  } else if (now.getTime() - input.lastReportedAt.getTime() > input.staleReportDays * DAY) {
    const days = Math.floor((now.getTime() - input.lastReportedAt.getTime()) / DAY);
    stale.push({ code: 'STALE_REPORT', message: `Last report ${days} day(s) ago (stale after ${input.staleReportDays})` });
  }
  const untilCutoff = cutoff.getTime() - now.getTime();
  if (total > 0 && untilCutoff > 0 && untilCutoff <= CUTOFF_NEAR_DAYS * DAY && remaining / total > 0.5) {
    risk.push({ code: 'MOST_ENDPOINTS_REMAIN', message: `${remaining} of ${total} endpoints remain with the cutoff under ${CUTOFF_NEAR_DAYS} days away` });
  }

  const reasons = [...overdue, ...stale, ...risk, ...info];
  if (overdue.length) return { status: 'OVERDUE', reasons };
  if (stale.length) return { status: 'NOT_REPORTING', reasons };
  if (risk.length) return { status: 'AT_RISK', reasons };
  return { status: 'ON_TRACK', reasons };
}
