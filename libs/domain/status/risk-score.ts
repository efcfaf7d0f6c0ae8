/**
 * Risk score of one organisation, 0–100, for ranking the at-risk list. Pure: facts in, score out.
 *
 *   share of endpoints remaining   up to 30 (30 × remaining / total)
 *   overdue milestones             10 each, up to 30
 *   OT footprint                   15 (OT moves in maintenance windows and needs certified replacements)
 *   stale or missing report        15
 *   sector criticality             tier 1: 10 · tier 2: 5
 *   past the cutoff, not complete  +10 on top, capped at 100
 * A complete organisation scores 0.
 */
import type { RiskReasonCodeValue } from '../vocabulary';

export interface RiskFacts {
  complete: boolean;
  endpointsTotal: number;
  endpointsRemaining: number;
  overdueMilestones: number;
  hasOt: boolean;
  reportStale: boolean;
  criticalityTier: number;
  pastCutoff: boolean;
}

export interface RiskReason {
  code: RiskReasonCodeValue;
  points: number;
  message: string;
}

export function riskScore(f: RiskFacts): { score: number; reasons: RiskReason[] } {
  if (f.complete) return { score: 0, reasons: [] };
  const reasons: RiskReason[] = [];
  if (f.endpointsTotal > 0 && f.endpointsRemaining > 0) {
    const points = Math.round((30 * f.endpointsRemaining) / f.endpointsTotal);
    reasons.push({ code: 'SHARE_REMAINING', points, message: `${f.endpointsRemaining} of ${f.endpointsTotal} endpoints remain` });
  }
  if (f.overdueMilestones > 0) {
    reasons.push({ code: 'OVERDUE_MILESTONES', points: Math.min(30, 10 * f.overdueMilestones), message: `${f.overdueMilestones} milestone(s) overdue` });
  }
  if (f.hasOt) reasons.push({ code: 'OT_FOOTPRINT', points: 15, message: 'OT/ICS footprint' });
  if (f.reportStale) reasons.push({ code: 'STALE_REPORT', points: 15, message: 'No recent report' });
  if (f.criticalityTier <= 2)
    reasons.push({ code: 'SECTOR_CRITICALITY', points: f.criticalityTier === 1 ? 10 : 5, message: `Criticality tier ${f.criticalityTier}` });
  if (f.pastCutoff) reasons.push({ code: 'PAST_CUTOFF', points: 10, message: 'Past the cutoff and not complete' });
  reasons.sort((a, b) => b.points - a.points);
  return {
    score: Math.min(
      100,
      reasons.reduce((s, r) => s + r.points, 0),
    ),
    reasons,
  };
}
