/**
 * How high a reminder climbs: 1 the organisation's primary contact; 2 adds its executive and
 * security lead; 3 adds the sector liaison(s); 4 adds the SRMA and the CISA regional lead.
 *
 *   level = min(4, time + lag + criticality), held down by an acknowledgement while it lasts
 *
 *   time         more than 7 days to the cutoff: 1 · 7 days or less: 2 · the final day (T-1, T-0)
 *                and the first 14 days past it: 3 · more than 14 days past it: 4
 *   lag          +1 for each, at most +2: a milestone past its target; more than half of the endpoints
 *                remain with 30 days or less to go; no report, or a stale one
 *   criticality  +1 with 30 days or less to go (or past the cutoff) for an OT footprint or tier 1
 *   acknowledged an acknowledgement at level L holds the level at L until it lapses; then, with no
 *                progress, the level climbs again
 */
export interface EscalationFacts {
  now: Date;
  cutoff: Date;
  overdueMilestones: number;
  endpointsTotal: number;
  endpointsRemaining: number;
  reportStale: boolean;
  hasOt: boolean;
  criticalityTier: number;
  acknowledgedLevel: number | null;
  pausedUntil: Date | null;
}

export interface Escalation {
  level: 1 | 2 | 3 | 4;
  /** The level before an acknowledgement held it down. */
  unheldLevel: number;
  why: string[];
}

const DAY = 86_400_000;

export function escalationLevel(f: EscalationFacts): Escalation {
  const days = (f.cutoff.getTime() - f.now.getTime()) / DAY;
  const why: string[] = [];
  let time: number;
  if (days > 7) time = 1;
  else if (days > 1) time = 2;
  else if (days > -14) time = 3;
  else time = 4;
  why.push(days >= 0 ? `${Math.ceil(days)} day(s) to the cutoff` : `${Math.floor(-days)} day(s) past the cutoff`);

  let lag = 0;
  if (f.overdueMilestones > 0) {
    lag += 1;
    why.push(`${f.overdueMilestones} milestone(s) overdue`);
  }
  if (days <= 30 && f.endpointsTotal > 0 && f.endpointsRemaining / f.endpointsTotal > 0.5) {
    lag += 1;
    why.push(`${f.endpointsRemaining} of ${f.endpointsTotal} endpoints remain`);
  }
  if (f.reportStale) {
    lag += 1;
    why.push('no recent report');
  }
  lag = Math.min(lag, 2);

  let criticality = 0;
  if (days <= 30 && (f.hasOt || f.criticalityTier === 1)) {
    criticality = 1;
    why.push(f.hasOt ? 'OT footprint' : 'criticality tier 1');
  }
  const unheld = Math.min(4, time + lag + criticality);
  let level = unheld;
  if (f.acknowledgedLevel !== null && f.pausedUntil && f.pausedUntil.getTime() > f.now.getTime() && f.acknowledgedLevel < level) {
    level = f.acknowledgedLevel;
    why.push(`held at level ${level} by an acknowledgement until ${f.pausedUntil.toISOString()}`);
  }
  return { level: level as Escalation['level'], unheldLevel: unheld, why };
}

/** Who hears at a level. */
export const CONTACT_ROLES_AT_LEVEL: Record<number, string[]> = {
  1: ['PRIMARY'],
  2: ['PRIMARY', 'EXECUTIVE', 'SECURITY_LEAD'],
  3: ['PRIMARY', 'EXECUTIVE', 'SECURITY_LEAD'],
  4: ['PRIMARY', 'EXECUTIVE', 'SECURITY_LEAD'],
};
export const ESCALATION_KINDS_AT_LEVEL: Record<number, string[]> = {
  1: [],
  2: [],
  3: ['SECTOR_LIAISON'],
  4: ['SECTOR_LIAISON', 'SRMA', 'CISA_REGION'],
};
