import { ExtendableMilestone, extensionStanding, statusReportDueAt } from '../extension-rules';
import { describeWindow, MaintenanceWindow, OtDeploymentFacts, windowsOf } from './maintenance-window';
import type { ProgrammeRules } from '../programme';
import type { OrganisationStatus, MilestoneState, StatusReasonCodeValue } from '../vocabulary';
/**
 * Derived status of one organisation in one programme: a pure function of its footprint, milestones,
 * last report, the programme and an instant. Dashboards, lists and reminders all call this one.
 *
 * The rule, in order (the first that holds wins; every reason found is returned):
 *  1. COMPLETE       nothing remains and removal is verified by a liaison on every track (or the
 *                    verified inventory found none of the product at all).
 *  2. OVERDUE        the cutoff has passed (unless every track not verified is under a granted,
 *                    unexpired extension reaching past it: an agreed plan, which the cutoff does not
 *                    end), or a milestone is past the target it is judged against and not done: the
 *                    extended target while its extension is unexpired, the target before its
 *                    extensions once they lapse (EXTENSION_LAPSED says so).
 *  3. NOT_REPORTING  no report ever, the last report is older than the programme's stale period, or a
 *                    status report on an extension is past due (the programme's statusReportEveryDays).
 *  4. AT_RISK        a milestone is blocked; one is due within the programme's due-soon days and not
 *                    started; or the cutoff is within its near-cutoff days and more than its lagging
 *                    share of the endpoints remain; or an OT milestone waits for a maintenance window
 *                    that ends after the cutoff (WAITING_FOR_WINDOW), or targets a window with a
 *                    replacement the equipment vendor has not certified (REPLACEMENT_NOT_CERTIFIED).
 * The OT track (issue 18, item 4): an OT milestone that targets a deployment's maintenance window
 * still ahead, with a replacement the equipment vendor certified, is waiting for that window, and
 * says so; past the cutoff such a track is "waiting for the window of …" (AT_RISK), not PAST_CUTOFF,
 * as a track under an extension is not. Without the certification the window cannot be used: the
 * track stays PAST_CUTOFF. Once the window has ended with the milestone not done, it is overdue.
 * Which milestones mean "inventory done" and "removal verified", and every threshold, are the
 * programme's rules (ProgrammeRules), given with the input.
 *  5. ON_TRACK       otherwise.
 */
export type { MilestoneState };

type StatusReasonCode = StatusReasonCodeValue;

interface StatusReason {
  code: StatusReasonCode;
  message: string;
  milestoneKey?: string;
  track?: string;
}

export interface StatusInput {
  now: Date;
  cutoff: Date;
  staleReportDays: number;
  rules: Pick<ProgrammeRules, 'inventoryMilestoneKey' | 'removalVerifiedMilestoneKey' | 'dueSoonDays' | 'cutoffNearDays' | 'laggingShare' | 'extensions'>;
  lastReportedAt: Date | null;
  footprint: ReadonlyArray<{ endpointCount: number; endpointsRemaining: number } & OtDeploymentFacts>;
  milestones: ReadonlyArray<
    ExtendableMilestone & {
      key: string;
      track: string;
      state: MilestoneState;
      verifiedAt: Date | null;
      /** OT: the deployment whose maintenance window the milestone targets. */
      maintenanceWindowFootprintId?: string | null;
    }
  >;
}

export interface StatusResult {
  status: OrganisationStatus;
  reasons: StatusReason[];
}

const DAY = 86_400_000;

const isVerifiedDone = (m: StatusInput['milestones'][number]) => m.state === 'DONE' && m.verifiedAt !== null;

// Targets repeat across organisations (a programme's plan): each instant is written out once.
const isoOf = new Map<number, string>();
function iso(at: Date): string {
  const ms = at.getTime();
  let text = isoOf.get(ms);
  if (text === undefined) {
    if (isoOf.size >= 10_000) isoOf.clear();
    isoOf.set(ms, (text = at.toISOString()));
  }
  return text;
}

// Runs once per organisation on every write and for everyone as time passes (~200,000 at national
// scale): plain loops, each clock read once, no intermediate arrays.
export function deriveStatus(input: StatusInput): StatusResult {
  const nowMs = input.now.getTime();
  const cutoffMs = input.cutoff.getTime();
  const { inventoryMilestoneKey, removalVerifiedMilestoneKey, dueSoonDays, cutoffNearDays, laggingShare } = input.rules;
  let total = 0;
  let remaining = 0;
  for (const f of input.footprint) {
    total += f.endpointCount;
    remaining += f.endpointsRemaining;
  }
  // each track's removal-verified milestone: verified (done and verified by a liaison) or not; undefined while none is seen
  const tracks = new Map<string, boolean | undefined>();
  let inventory: StatusInput['milestones'][number] | undefined;
  for (const m of input.milestones) {
    if (!tracks.has(m.track)) tracks.set(m.track, undefined);
    if (m.key === removalVerifiedMilestoneKey && tracks.get(m.track) === undefined) tracks.set(m.track, isVerifiedDone(m));
    if (inventory === undefined && m.track === 'IT' && m.key === inventoryMilestoneKey) inventory = m;
  }
  let removalVerified = tracks.size > 0;
  for (const verified of tracks.values()) removalVerified &&= verified === true;
  const extended = extendedDeadlineMs(input, tracks);
  const nothingFound = input.footprint.length === 0 && inventory !== undefined && isVerifiedDone(inventory);
  if (remaining === 0 && removalVerified) {
    return { status: 'COMPLETE', reasons: [{ code: 'REMOVAL_VERIFIED', message: 'Removal verified on every track' }] };
  }
  if (nothingFound) {
    return { status: 'COMPLETE', reasons: [{ code: 'NONE_FOUND', message: 'Verified inventory found none of the product' }] };
  }

  const overdue: StatusReason[] = [];
  const stale: StatusReason[] = [];
  const risk: StatusReason[] = [];
  const info: StatusReason[] = [];

  // windows are looked up only for an organisation with a milestone targeting one (few: OT, and planned)
  let windows: Map<string, MaintenanceWindow> | undefined;
  const waitingTracks = new Set<string>();
  for (const m of input.milestones) {
    const standing = extensionStanding(m, nowMs);
    const target = standing === 'LAPSED' ? m.extensionLapsesTo! : m.targetAt;
    const targetMs = target.getTime();
    let window: MaintenanceWindow | undefined;
    if (m.maintenanceWindowFootprintId && m.state !== 'DONE') {
      windows ??= windowsOf(input.footprint);
      window = windows.get(m.maintenanceWindowFootprintId);
    }
    const windowAhead = window !== undefined && nowMs < window.endsAt.getTime();
    if (m.state !== 'DONE' && nowMs > targetMs) {
      const missed = window && !windowAhead ? `, the end of the window of ${describeWindow(window)}` : '';
      overdue.push({ code: 'MILESTONE_OVERDUE', milestoneKey: m.key, track: m.track, message: `${m.track} ${m.key} was due ${iso(target)}${missed}` });
    }
    if (windowAhead && window!.certified) {
      waitingTracks.add(m.track);
      if (standing !== 'EXTENDED' && window!.endsAt.getTime() > cutoffMs) {
        risk.push({
          code: 'WAITING_FOR_WINDOW',
          milestoneKey: m.key,
          track: m.track,
          message: `${m.track} ${m.key} is waiting for the window of ${describeWindow(window!)}, with a replacement certified by the equipment vendor (${window!.certificationRef})`,
        });
      }
    } else if (windowAhead) {
      risk.push({
        code: 'REPLACEMENT_NOT_CERTIFIED',
        milestoneKey: m.key,
        track: m.track,
        message: `${m.track} ${m.key} targets the window of ${describeWindow(window!)}, but its replacement is not certified by the equipment vendor`,
      });
    }
    if (m.state !== 'DONE' && standing === 'LAPSED') {
      overdue.push({
        code: 'EXTENSION_LAPSED',
        milestoneKey: m.key,
        track: m.track,
        message: `${m.track} ${m.key}: its extension to ${iso(m.targetAt)} lapsed at ${iso(m.extensionExpiresAt!)}; it is judged against its target before the extension, ${iso(target)}`,
      });
    }
    if (m.state !== 'DONE' && standing === 'EXTENDED') {
      const waiting = windowAhead && window!.certified ? `, waiting for the window of ${describeWindow(window!)}` : '';
      info.push({
        code: 'UNDER_EXTENSION',
        milestoneKey: m.key,
        track: m.track,
        message: `${m.track} ${m.key} is extended to ${iso(m.targetAt)} until ${iso(m.extensionExpiresAt!)}${waiting}`,
      });
      const reportDue = statusReportDueAt(m, nowMs, input.rules.extensions);
      if (reportDue && nowMs > reportDue.getTime()) {
        stale.push({
          code: 'EXTENSION_REPORT_MISSING',
          milestoneKey: m.key,
          track: m.track,
          message: `${m.track} ${m.key}: the status report on its extension was due ${iso(reportDue)}`,
        });
      }
    }
    if (m.state === 'BLOCKED') {
      risk.push({ code: 'MILESTONE_BLOCKED', milestoneKey: m.key, track: m.track, message: `${m.track} ${m.key} is blocked` });
    } else if (m.state === 'NOT_STARTED' && targetMs >= nowMs && targetMs - nowMs <= dueSoonDays * DAY) {
      risk.push({ code: 'MILESTONE_DUE_SOON', milestoneKey: m.key, track: m.track, message: `${m.track} ${m.key} is due ${iso(m.targetAt)} and not started` });
    }
    if (m.state === 'DONE' && m.verifiedAt === null && m.key === removalVerifiedMilestoneKey) {
      info.push({
        code: 'AWAITING_VERIFICATION',
        milestoneKey: m.key,
        track: m.track,
        message: `${m.track} ${m.key} is reported done and awaits a liaison's verification`,
      });
    }
  }
  // past the cutoff every track not verified must be under an extension reaching past it, or waiting
  // for a window with a certified replacement; otherwise it is past the cutoff, whatever else it waits for
  if (nowMs >= cutoffMs && extended === null && !coveredPastCutoff(input, tracks, waitingTracks)) {
    const days = Math.floor((nowMs - cutoffMs) / DAY);
    overdue.unshift({ code: 'PAST_CUTOFF', message: `The cutoff passed ${days} day(s) ago and removal is not verified` });
  }
  if (input.lastReportedAt === null) {
    stale.push({ code: 'NO_REPORT', message: 'The organisation has never reported' });
  } else if (nowMs - input.lastReportedAt.getTime() > input.staleReportDays * DAY) {
    const days = Math.floor((nowMs - input.lastReportedAt.getTime()) / DAY);
    stale.push({ code: 'STALE_REPORT', message: `Last report ${days} day(s) ago (stale after ${input.staleReportDays})` });
  }
  const untilCutoff = cutoffMs - nowMs;
  if (total > 0 && untilCutoff > 0 && untilCutoff <= cutoffNearDays * DAY && remaining / total > laggingShare) {
    risk.push({ code: 'MOST_ENDPOINTS_REMAIN', message: `${remaining} of ${total} endpoints remain with the cutoff under ${cutoffNearDays} days away` });
  }

  if (overdue.length) return { status: 'OVERDUE', reasons: overdue.concat(stale, risk, info) };
  if (stale.length) return { status: 'NOT_REPORTING', reasons: stale.concat(risk, info) };
  if (risk.length) return { status: 'AT_RISK', reasons: risk.concat(info) };
  return { status: 'ON_TRACK', reasons: info };
}

/**
 * The instant an organisation's plan runs to when every track not verified is under a granted,
 * unexpired extension reaching past the cutoff: the earliest such extended target (null otherwise, and
 * then the cutoff is what it is judged, reminded and escalated against). A track counts as extended by
 * any milestone of it not done under such an extension; its other milestones keep their own targets.
 */
export function extendedDeadline(input: StatusInput): Date | null {
  const tracks = new Map<string, boolean | undefined>();
  for (const m of input.milestones) {
    if (!tracks.has(m.track)) tracks.set(m.track, undefined);
    if (m.key === input.rules.removalVerifiedMilestoneKey && tracks.get(m.track) === undefined) tracks.set(m.track, isVerifiedDone(m));
  }
  const ms = extendedDeadlineMs(input, tracks);
  return ms === null ? null : new Date(ms);
}

/** Every track not verified is under an extension reaching past the cutoff or waiting for a window, and one at least waits. */
function coveredPastCutoff(input: StatusInput, tracks: Map<string, boolean | undefined>, waitingTracks: Set<string>): boolean {
  if (waitingTracks.size === 0) return false;
  const nowMs = input.now.getTime();
  const cutoffMs = input.cutoff.getTime();
  const extendedTracks = new Set<string>();
  for (const m of input.milestones) {
    if (m.state !== 'DONE' && extensionStanding(m, nowMs) === 'EXTENDED' && m.targetAt.getTime() > cutoffMs) extendedTracks.add(m.track);
  }
  for (const [track, verified] of tracks) if (verified !== true && !waitingTracks.has(track) && !extendedTracks.has(track)) return false;
  return true;
}

function extendedDeadlineMs(input: StatusInput, tracks: Map<string, boolean | undefined>): number | null {
  const nowMs = input.now.getTime();
  const cutoffMs = input.cutoff.getTime();
  let earliest: number | null = null;
  const covered = new Set<string>();
  for (const m of input.milestones) {
    if (m.state === 'DONE' || extensionStanding(m, nowMs) !== 'EXTENDED') continue;
    const targetMs = m.targetAt.getTime();
    if (targetMs <= cutoffMs) continue;
    covered.add(m.track);
    if (tracks.get(m.track) !== true && (earliest === null || targetMs < earliest)) earliest = targetMs;
  }
  if (earliest === null) return null;
  for (const [track, verified] of tracks) if (verified !== true && !covered.has(track)) return null;
  return earliest;
}
