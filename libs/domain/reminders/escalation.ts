/**
 * How high a reminder climbs: 1 the organisation's primary contact; 2 adds its executive and
 * security lead; 3 adds the sector liaison(s); 4 adds the SRMA and the CISA regional lead.
 *
 *   level = min(4, time + lag + criticality), held down by an acknowledgement while it lasts
 *
 *   time         more than the programme's executivesDays (7 in the seeded programme) to the cutoff: 1 ·
 *                that or less: 2 · within liaisonDays (1) and the first agencyDaysAfter (14) days past
 *                it: 3 · later: 4
 *   lag          +1 for each, at most +2: a milestone past its target; more than the lagging share
 *                (half) of the endpoints remain within cutoffNearDays (30); no report, or a stale one
 *   criticality  +1 within cutoffNearDays (or past the cutoff) for an OT footprint or tier 1
 *   acknowledged an acknowledgement holds the level the rule gave without any hold (L) until it lapses;
 *                then, with no progress, the level climbs again. Past the cutoff it never holds below
 *                the sector liaison's level (3). One acknowledgement per stage (the service's rule).
 */
import type { ProgrammeRules } from '../programme';

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
/** The level at which the sector liaison hears. */
export const LIAISON_LEVEL = 3;

export type EscalationRules = Pick<ProgrammeRules, 'cutoffNearDays' | 'laggingShare' | 'escalation'>;

export function escalationLevel(f: EscalationFacts, rules: EscalationRules): Escalation {
  const days = (f.cutoff.getTime() - f.now.getTime()) / DAY;
  const { executivesDays, liaisonDays, agencyDaysAfter } = rules.escalation;
  const why: string[] = [];
  let time: number;
  if (days > executivesDays) time = 1;
  else if (days > liaisonDays) time = 2;
  else if (days > -agencyDaysAfter) time = 3;
  else time = 4;
  why.push(days >= 0 ? `${Math.ceil(days)} day(s) to the cutoff` : `${Math.floor(-days)} day(s) past the cutoff`);

  let lag = 0;
  if (f.overdueMilestones > 0) {
    lag += 1;
    why.push(`${f.overdueMilestones} milestone(s) overdue`);
  }
  if (days <= rules.cutoffNearDays && f.endpointsTotal > 0 && f.endpointsRemaining / f.endpointsTotal > rules.laggingShare) {
    lag += 1;
    why.push(`${f.endpointsRemaining} of ${f.endpointsTotal} endpoints remain`);
  }
  if (f.reportStale) {
    lag += 1;
    why.push('no recent report');
  }
  lag = Math.min(lag, 2);

  let criticality = 0;
  if (days <= rules.cutoffNearDays && (f.hasOt || f.criticalityTier === 1)) {
    criticality = 1;
    why.push(f.hasOt ? 'OT footprint' : 'criticality tier 1');
  }
  const unheld = Math.min(4, time + lag + criticality);
  let level = unheld;
  if (f.acknowledgedLevel !== null && f.pausedUntil && f.pausedUntil.getTime() > f.now.getTime() && f.acknowledgedLevel < level) {
    // past the cutoff an acknowledgement never keeps the sector liaison from hearing
    const floor = days <= 0 ? Math.min(unheld, LIAISON_LEVEL) : 1;
    level = Math.max(f.acknowledgedLevel, floor);
    if (level < unheld) why.push(`held at level ${level} by an acknowledgement until ${f.pausedUntil.toISOString()}`);
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
