/**
 * Extensions that count. A granted extension moves a milestone's target; while it is unexpired the
 * milestone is judged against the extended target, even after the cutoff (the cutoff stops the
 * vendor's updates, not an agreed plan). When it expires the milestone lapses back to the target it had
 * before its extensions, and says so. Pure: the milestone's columns, the programme's rules and an
 * instant in; no clock, no database.
 */
import type { ExtensionRules } from './programme';

const DAY = 86_400_000;

/** What a milestone row carries of the extension in force (written by a grant, read by every rule). */
export interface ExtendableMilestone {
  targetAt: Date;
  /** When the latest granted extension lapses; null or absent: never extended. */
  extensionExpiresAt?: Date | null;
  /** The target before the milestone's extensions: what it is judged against again once they lapse. */
  extensionLapsesTo?: Date | null;
  /** The grant, or the last status report on it: the next report is due `statusReportEveryDays` later. */
  extensionReportedAt?: Date | null;
}

export type ExtensionStanding = 'NONE' | 'EXTENDED' | 'LAPSED';

/** Unexpired up to (not at) its expiry instant. */
export function extensionStanding(m: ExtendableMilestone, nowMs: number): ExtensionStanding {
  if (!m.extensionExpiresAt || !m.extensionLapsesTo) return 'NONE';
  return nowMs < m.extensionExpiresAt.getTime() ? 'EXTENDED' : 'LAPSED';
}

/** The target a milestone is judged against now: the extended one, or after a lapse the one before it. */
export function judgedTarget(m: ExtendableMilestone, nowMs: number): Date {
  return extensionStanding(m, nowMs) === 'LAPSED' ? m.extensionLapsesTo! : m.targetAt;
}

/** When the next status report on the extension in force is due (null: not extended, or none asked). */
export function statusReportDueAt(m: ExtendableMilestone, nowMs: number, rules: ExtensionRules | undefined): Date | null {
  const every = rules?.statusReportEveryDays;
  if (!every || !m.extensionReportedAt || extensionStanding(m, nowMs) !== 'EXTENDED') return null;
  return new Date(m.extensionReportedAt.getTime() + every * DAY);
}

export interface GrantProblem {
  field: string;
  message: string;
  /** The milestone's history refuses it (CONFLICT) rather than the input (BAD_USER_INPUT). */
  conflict?: boolean;
}

/** Whether a milestone may have another extension at all: its grants so far against the programme's cap. */
function grantCountProblem(rules: ExtensionRules | undefined, grantsSoFar: number, field: string): GrantProblem | null {
  if (!rules || grantsSoFar < rules.maxGrantsPerMilestone) return null;
  return {
    field,
    conflict: true,
    message: `the milestone has had ${grantsSoFar} extension(s), the most the programme allows (${rules.maxGrantsPerMilestone})`,
  };
}

/**
 * The problems of extending a milestone from `currentTarget` (the target it is judged against now) to
 * `target`, lapsing at `expiresAt` (a request names no expiry). The longest grant is measured from the
 * target it extends.
 */
export function grantProblems(
  rules: ExtensionRules | undefined,
  g: { currentTarget: Date; target: Date; targetField: string; expiresAt?: Date; now: Date; grantsSoFar: number; countField: string },
): GrantProblem[] {
  const problems: GrantProblem[] = [];
  const count = grantCountProblem(rules, g.grantsSoFar, g.countField);
  if (count) problems.push(count);
  const from = g.currentTarget.getTime();
  if (g.target.getTime() <= from) problems.push({ field: g.targetField, message: `must be later than the current target ${g.currentTarget.toISOString()}` });
  if (g.expiresAt && g.expiresAt.getTime() < g.target.getTime()) problems.push({ field: 'expiresAt', message: 'must not be before the granted target' });
  else if (g.expiresAt && g.expiresAt.getTime() <= g.now.getTime())
    problems.push({ field: 'expiresAt', message: `must be later than now (${g.now.toISOString()}): an extension granted already lapsed counts for nothing` });
  if (rules) {
    const longest = from + rules.maxGrantDays * DAY;
    const limit = `${rules.maxGrantDays} days after the current target ${g.currentTarget.toISOString()}, by ${new Date(longest).toISOString()}`;
    if (g.target.getTime() > longest) problems.push({ field: g.targetField, message: `one extension may give at most ${limit}` });
    if (g.expiresAt && g.expiresAt.getTime() > longest && g.expiresAt.getTime() >= g.target.getTime())
      problems.push({ field: 'expiresAt', message: `one extension must lapse at most ${limit}` });
  }
  return problems;
}
