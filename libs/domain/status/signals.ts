import { ExtendableMilestone, judgedTarget } from '../extension-rules';
import type { MilestoneState } from '../vocabulary';
import type { StatusResult } from './derive-status';
import type { OtDeploymentFacts } from './maintenance-window';

/** What the rules of status, risk and escalation read about one organisation in one programme. */
export interface OrganisationFacts {
  lastReportedAt: Date | null;
  criticalityTier?: number;
  /** Product, vendor and verification: what the product figures read (libs/domain/report-rules.ts); the status rules need only the counts (and, for the OT track, the windows). */
  footprint: Array<
    {
      endpointCount: number;
      endpointsRemaining: number;
      environment?: string;
      productCode?: string;
      vendor?: string | null;
      verifiedRemaining?: number | null;
      verifiedAt?: Date | null;
    } & OtDeploymentFacts
  >;
  milestones: Array<
    ExtendableMilestone & {
      key: string;
      track: string;
      state: MilestoneState;
      verifiedAt: Date | null;
      id?: string;
      name?: string;
      maintenanceWindowFootprintId?: string | null;
    }
  >;
}

/**
 * The figures built from an organisation's facts and its derived status: one pass over each list. The
 * stored rollup (what dashboards add up), the risk score and the escalation rule all read these, so
 * the three never count a thing differently.
 */
export interface Signals {
  endpointsTotal: number;
  endpointsRemaining: number;
  otTotal: number;
  otRemaining: number;
  hasOt: boolean;
  notStarted: number;
  inProgress: number;
  done: number;
  blocked: number;
  /** Milestones past the target they are judged against (libs/domain/extension-rules.ts) and not done. */
  overdue: number;
  /** The programme's removal-verified milestone is done and verified on every track. */
  removalVerified: boolean;
  /** No report, a stale one, or a status report on an extension past due, by the derived status. */
  reportStale: boolean;
}

export function signalsOf(f: OrganisationFacts, status: StatusResult, now: Date, removalVerifiedMilestoneKey: string): Signals {
  const nowMs = now.getTime();
  const s: Signals = {
    endpointsTotal: 0,
    endpointsRemaining: 0,
    otTotal: 0,
    otRemaining: 0,
    hasOt: false,
    notStarted: 0,
    inProgress: 0,
    done: 0,
    blocked: 0,
    overdue: 0,
    removalVerified: false,
    reportStale: false,
  };
  for (const x of f.footprint) {
    s.endpointsTotal += x.endpointCount;
    s.endpointsRemaining += x.endpointsRemaining;
    if (x.environment === 'OT') {
      s.hasOt = true;
      s.otTotal += x.endpointCount;
      s.otRemaining += x.endpointsRemaining;
    }
  }
  const tracks = new Set<string>();
  const verifiedTracks = new Set<string>();
  for (const m of f.milestones) {
    tracks.add(m.track);
    if (m.state === 'NOT_STARTED') s.notStarted += 1;
    else if (m.state === 'IN_PROGRESS') s.inProgress += 1;
    else if (m.state === 'DONE') s.done += 1;
    else if (m.state === 'BLOCKED') s.blocked += 1;
    if (m.state !== 'DONE' && judgedTarget(m, nowMs).getTime() < nowMs) s.overdue += 1;
    if (m.key === removalVerifiedMilestoneKey && m.state === 'DONE' && m.verifiedAt) verifiedTracks.add(m.track);
  }
  s.removalVerified = tracks.size > 0 && verifiedTracks.size === tracks.size;
  s.reportStale = status.reasons.some((r) => r.code === 'STALE_REPORT' || r.code === 'NO_REPORT' || r.code === 'EXTENSION_REPORT_MISSING');
  return s;
}
