import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../core/clock/clock';
import type { ProgrammeEntity } from '../programmes/programme.entity';
import { riskScore } from '../dashboard/risk-score';
import { deriveStatus, MilestoneState, StatusInput, StatusResult } from './derive-status';

/** What the rules of status and escalation read about one organisation. */
export interface Facts extends Omit<StatusInput, 'now' | 'cutoff' | 'staleReportDays' | 'footprint' | 'milestones'> {
  criticalityTier?: number;
  footprint: Array<StatusInput['footprint'][number] & { environment?: string }>;
  milestones: Array<StatusInput['milestones'][number] & { id?: string; name?: string }>;
}

const BATCH = 5000;

interface Rollup {
  id: string; status: string; reasons: unknown; endpointsTotal: number; endpointsRemaining: number; otTotal: number; otRemaining: number;
  notStarted: number; inProgress: number; done: number; blocked: number; overdue: number; removalVerified: boolean; riskScore: number; riskReasons: unknown;
}

/** The per-organisation figures dashboards add up, and the risk score the at-risk list ranks by. */
function rollup(id: string, f: Facts, result: StatusResult, now: Date, cutoff: Date): Rollup {
  const sum = (xs: Facts['footprint'], k: 'endpointCount' | 'endpointsRemaining') => xs.reduce((s, x) => s + x[k], 0);
  const ot = f.footprint.filter((x) => x.environment === 'OT');
  const count = (state: string) => f.milestones.filter((m) => m.state === state).length;
  const overdue = f.milestones.filter((m) => m.state !== 'DONE' && m.targetAt.getTime() < now.getTime()).length;
  const verifiedTracks = new Set(f.milestones.filter((m) => m.key === 'REMOVAL_VERIFIED' && m.state === 'DONE' && m.verifiedAt).map((m) => m.track));
  const tracks = new Set(f.milestones.map((m) => m.track));
  const risk = riskScore({
    complete: result.status === 'COMPLETE', endpointsTotal: sum(f.footprint, 'endpointCount'), endpointsRemaining: sum(f.footprint, 'endpointsRemaining'),
    overdueMilestones: overdue, hasOt: ot.length > 0, reportStale: result.reasons.some((r) => r.code === 'STALE_REPORT' || r.code === 'NO_REPORT'),
    criticalityTier: f.criticalityTier ?? 4, pastCutoff: now.getTime() >= cutoff.getTime(),
  });
  return {
    // the stored reasons keep their codes only: the messages are derived again whenever status is read live
    id, status: result.status, reasons: result.reasons.map((r) => (r.milestoneKey ? { code: r.code, milestoneKey: r.milestoneKey, track: r.track } : { code: r.code })), endpointsTotal: sum(f.footprint, 'endpointCount'), endpointsRemaining: sum(f.footprint, 'endpointsRemaining'),
    otTotal: sum(ot, 'endpointCount'), otRemaining: sum(ot, 'endpointsRemaining'), notStarted: count('NOT_STARTED'), inProgress: count('IN_PROGRESS'),
    done: count('DONE'), blocked: count('BLOCKED'), overdue, removalVerified: tracks.size > 0 && verifiedTracks.size === tracks.size,
    riskScore: risk.score, riskReasons: risk.reasons,
  };
}

/**
 * Keeps organisation_status (what list filters and dashboards read in SQL) equal to deriveStatus():
 * recomputed in the transaction of every write, and for everyone by the worker as time passes.
 */
@Injectable()
export class StatusService {
  private readonly logger = new Logger(StatusService.name);

  constructor(private readonly dataSource: DataSource, private readonly clock: Clock) {}

  now(): Date {
    return this.clock.now();
  }

  evaluate(programme: ProgrammeEntity, facts: Facts, at: Date = this.clock.now()): StatusResult {
    return deriveStatus({ ...facts, now: at, cutoff: programme.updatesCutoff, staleReportDays: programme.staleReportDays });
  }

  /** Three statements for any number of organisations. */
  async loadFacts(manager: EntityManager, programmeId: string, ids: readonly string[]): Promise<Map<string, Facts>> {
    // one after another: inside a transaction they share one connection
    const orgs = await manager.query(`SELECT id, last_reported_at, criticality_tier FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
    const footprint = await manager.query(
        `SELECT organisation_id, endpoint_count, endpoints_remaining, environment FROM footprint WHERE programme_id = $1 AND organisation_id = ANY($2::uuid[])`,
        [programmeId, ids],
      );
    const milestones = await manager.query(
        `SELECT organisation_id, id, key, track, name, target_at, state, verified_at FROM milestone WHERE programme_id = $1 AND organisation_id = ANY($2::uuid[]) ORDER BY track, position`,
        [programmeId, ids],
      );
    const facts = new Map<string, Facts>();
    for (const o of orgs) facts.set(o.id, { lastReportedAt: o.last_reported_at, criticalityTier: o.criticality_tier, footprint: [], milestones: [] });
    for (const f of footprint) (facts.get(f.organisation_id)!.footprint as Facts['footprint'][number][]).push({ endpointCount: f.endpoint_count, endpointsRemaining: f.endpoints_remaining, environment: f.environment });
    for (const m of milestones) {
      (facts.get(m.organisation_id)!.milestones as Facts['milestones'][number][]).push({
        id: m.id, key: m.key, track: m.track, name: m.name, targetAt: m.target_at, state: m.state as MilestoneState, verifiedAt: m.verified_at,
      });
    }
    return facts;
  }

  async refresh(manager: EntityManager, programme: ProgrammeEntity, ids: readonly string[]): Promise<Map<string, StatusResult>> {
    return this.write(manager, programme, await this.loadFacts(manager, programme.id, ids));
  }

  /** Derives and stores the status and rollup of organisations whose facts the caller already has (imports). */
  async write(manager: EntityManager, programme: ProgrammeEntity, facts: Map<string, Facts>): Promise<Map<string, StatusResult>> {
    const now = this.clock.now();
    const results = new Map<string, StatusResult>();
    const rows: Rollup[] = [];
    for (const [id, f] of facts) {
      const result = this.evaluate(programme, f, now);
      results.set(id, result);
      rows.push(rollup(id, f, result, now, new Date(programme.updatesCutoff)));
    }
    if (rows.length === 0) return results;
    // one JSON document for the whole batch: cheaper to send and parse than seventeen array literals
    await manager.query(
      `INSERT INTO organisation_status (organisation_id, programme_id, as_of, status, reasons, endpoints_total, endpoints_remaining, ot_total, ot_remaining,
         milestones_not_started, milestones_in_progress, milestones_done, milestones_blocked, milestones_overdue, removal_verified, risk_score, risk_reasons)
       SELECT t.id, $1::uuid, $2::timestamptz, t.status, t.reasons, t."endpointsTotal", t."endpointsRemaining", t."otTotal", t."otRemaining",
              t."notStarted", t."inProgress", t.done, t.blocked, t.overdue, t."removalVerified", t."riskScore", t."riskReasons"
       FROM jsonb_to_recordset($3::jsonb) AS t(id uuid, status text, reasons jsonb, "endpointsTotal" bigint, "endpointsRemaining" bigint, "otTotal" bigint,
         "otRemaining" bigint, "notStarted" int, "inProgress" int, done int, blocked int, overdue int, "removalVerified" boolean, "riskScore" int, "riskReasons" jsonb)
       ON CONFLICT (organisation_id, programme_id) DO UPDATE SET status = EXCLUDED.status, reasons = EXCLUDED.reasons, as_of = EXCLUDED.as_of,
         endpoints_total = EXCLUDED.endpoints_total, endpoints_remaining = EXCLUDED.endpoints_remaining, ot_total = EXCLUDED.ot_total, ot_remaining = EXCLUDED.ot_remaining,
         milestones_not_started = EXCLUDED.milestones_not_started, milestones_in_progress = EXCLUDED.milestones_in_progress, milestones_done = EXCLUDED.milestones_done,
         milestones_blocked = EXCLUDED.milestones_blocked, milestones_overdue = EXCLUDED.milestones_overdue, removal_verified = EXCLUDED.removal_verified,
         risk_score = EXCLUDED.risk_score, risk_reasons = EXCLUDED.risk_reasons`,
      [programme.id, now, JSON.stringify(rows)],
    );
    return results;
  }

  /** Every organisation of the programme, in batches; what the worker runs as time passes. */
  async refreshAll(programme: ProgrammeEntity): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let total = 0;
    for (;;) {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        `SELECT id FROM organisation WHERE id > $1 AND archived_at IS NULL ORDER BY id LIMIT $2`,
        [after, BATCH],
      );
      if (rows.length === 0) break;
      await this.dataSource.transaction((manager) => this.refresh(manager, programme, rows.map((r) => r.id)));
      total += rows.length;
      after = rows[rows.length - 1].id;
    }
    this.logger.log(`refreshed the status of ${total} organisations in ${programme.key}`);
    return total;
  }
}
