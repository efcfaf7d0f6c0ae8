import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../core/clock/clock';
import type { ProgrammeEntity } from '../data/entities/programme.entity';
import { riskScore } from '../domain/status/risk-score';
import { deriveStatus, MilestoneState, StatusInput, StatusResult } from '../domain/status/derive-status';

/** What the rules of status and escalation read about one organisation. */
export interface Facts extends Omit<StatusInput, 'now' | 'cutoff' | 'staleReportDays' | 'footprint' | 'milestones'> {
  criticalityTier?: number;
  footprint: Array<StatusInput['footprint'][number] & { environment?: string }>;
  milestones: Array<StatusInput['milestones'][number] & { id?: string; name?: string }>;
}

const BATCH = 5000;

interface Rollup {
  status: string; reasons: unknown; endpointsTotal: number; endpointsRemaining: number; otTotal: number; otRemaining: number;
  notStarted: number; inProgress: number; done: number; blocked: number; overdue: number; removalVerified: boolean; riskScore: number; riskReasons: unknown;
}

/** Statuses and rollups computed for a batch, ready to store: each distinct rollup once, by its JSON. */
export interface DerivedStatuses {
  at: Date;
  results: Map<string, StatusResult>;
  ids: string[];
  /** For each of `ids`, the number of its rollup in `shapes`. */
  shapeOf: number[];
  shapes: Map<string, number>;
}

/** The per-organisation figures dashboards add up, and the risk score the at-risk list ranks by. One pass over each list. */
function rollup(f: Facts, result: StatusResult, now: Date, cutoff: Date): Rollup {
  const nowMs = now.getTime();
  let endpointsTotal = 0;
  let endpointsRemaining = 0;
  let otTotal = 0;
  let otRemaining = 0;
  let hasOt = false;
  for (const x of f.footprint) {
    endpointsTotal += x.endpointCount;
    endpointsRemaining += x.endpointsRemaining;
    if (x.environment === 'OT') {
      hasOt = true;
      otTotal += x.endpointCount;
      otRemaining += x.endpointsRemaining;
    }
  }
  let notStarted = 0;
  let inProgress = 0;
  let done = 0;
  let blocked = 0;
  let overdue = 0;
  const tracks = new Set<string>();
  const verifiedTracks = new Set<string>();
  for (const m of f.milestones) {
    tracks.add(m.track);
    if (m.state === 'NOT_STARTED') notStarted += 1;
    else if (m.state === 'IN_PROGRESS') inProgress += 1;
    else if (m.state === 'DONE') done += 1;
    else if (m.state === 'BLOCKED') blocked += 1;
    if (m.state !== 'DONE' && m.targetAt.getTime() < nowMs) overdue += 1;
    if (m.key === 'REMOVAL_VERIFIED' && m.state === 'DONE' && m.verifiedAt) verifiedTracks.add(m.track);
  }
  const risk = riskScore({
    complete: result.status === 'COMPLETE', endpointsTotal, endpointsRemaining, overdueMilestones: overdue, hasOt,
    reportStale: result.reasons.some((r) => r.code === 'STALE_REPORT' || r.code === 'NO_REPORT'),
    criticalityTier: f.criticalityTier ?? 4, pastCutoff: nowMs >= cutoff.getTime(),
  });
  return {
    // the stored reasons keep their codes only: the messages are derived again whenever status is read live
    status: result.status, reasons: result.reasons.map((r) => (r.milestoneKey ? { code: r.code, milestoneKey: r.milestoneKey, track: r.track } : { code: r.code })),
    endpointsTotal, endpointsRemaining, otTotal, otRemaining, notStarted, inProgress, done, blocked, overdue,
    removalVerified: tracks.size > 0 && verifiedTracks.size === tracks.size, riskScore: risk.score, riskReasons: risk.reasons,
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
    return deriveStatus({
      now: at, cutoff: programme.updatesCutoff, staleReportDays: programme.staleReportDays, lastReportedAt: facts.lastReportedAt, footprint: facts.footprint, milestones: facts.milestones,
    });
  }

  /**
   * Three statements for any number of organisations. Without `milestoneDetails` the milestones carry
   * only what status derivation reads (no id or name): what a refresh needs, read and parsed faster.
   */
  async loadFacts(manager: EntityManager, programmeId: string, organisationIds: readonly string[], { milestoneDetails = true } = {}): Promise<Map<string, Facts>> {
    const ids = [...new Set(organisationIds)];
    // LATERAL: an index probe per organisation, where `= ANY(…)` of thousands of ids is planned as a scan of the whole table
    const reads = [
      () => manager.query(
        `SELECT o.id, o.last_reported_at, o.criticality_tier FROM unnest($1::uuid[]) AS k(id)
         CROSS JOIN LATERAL (SELECT id, last_reported_at, criticality_tier FROM organisation WHERE id = k.id LIMIT 1) o`,
        [ids],
      ) as Promise<Array<{ id: string; last_reported_at: Date | null; criticality_tier: number }>>,
      () => manager.query(
        `SELECT f.organisation_id, f.endpoint_count, f.endpoints_remaining, f.environment FROM unnest($2::uuid[]) AS k(id)
         CROSS JOIN LATERAL (SELECT * FROM footprint WHERE organisation_id = k.id AND programme_id = $1 OFFSET 0) f`,
        [programmeId, ids],
      ) as Promise<Array<{ organisation_id: string; endpoint_count: number; endpoints_remaining: number; environment: string }>>,
      // The milestones come as one JSON document, each organisation's in order: parsing it is native and
      // a fraction of the cost of 40,000 result rows (a refresh of 5,000 organisations), which PostgreSQL
      // otherwise sat idle waiting for. Instants are epoch milliseconds: numbers, not timestamps' text.
      () => manager.query(
        `SELECT coalesce(json_object_agg(organisation_id, ms), '{}')::text AS doc FROM (
           SELECT organisation_id, json_agg(json_build_array(key, track, state, (extract(epoch FROM verified_at) * 1000)::float8,
             (extract(epoch FROM target_at) * 1000)::float8${milestoneDetails ? ', id, name' : ''}) ORDER BY track, position) AS ms
           FROM milestone WHERE programme_id = $1 AND organisation_id = ANY($2::uuid[]) GROUP BY organisation_id
         ) s`,
        [programmeId, ids],
      ) as Promise<Array<{ doc: string }>>,
    ] as const;
    // In a transaction the three are sent at once: they share its one connection and run back to back,
    // and what the caller sends after this call runs after them. Outside one they would take three pool
    // connections and three snapshots, so they go one after another.
    const [orgs, footprint, [{ doc }]] = manager.queryRunner?.isTransactionActive
      ? await Promise.all([reads[0](), reads[1](), reads[2]()])
      : [await reads[0](), await reads[1](), await reads[2]()];
    const facts = new Map<string, Facts>();
    for (const o of orgs) facts.set(o.id, { lastReportedAt: o.last_reported_at, criticalityTier: o.criticality_tier, footprint: [], milestones: [] });
    for (const f of footprint) (facts.get(f.organisation_id)?.footprint as Facts['footprint'][number][] | undefined)?.push({ endpointCount: f.endpoint_count, endpointsRemaining: f.endpoints_remaining, environment: f.environment });
    const milestonesOf: Record<string, Array<[string, string, MilestoneState, number | null, number, string?, string?]>> = JSON.parse(doc);
    for (const [organisationId, list] of Object.entries(milestonesOf)) {
      const into = facts.get(organisationId)?.milestones as Facts['milestones'][number][] | undefined;
      if (!into) continue;
      for (const [key, track, state, verifiedMs, targetMs, id, name] of list) {
        const milestone: Facts['milestones'][number] = { key, track, targetAt: new Date(targetMs), state, verifiedAt: verifiedMs === null ? null : new Date(verifiedMs) };
        if (milestoneDetails) Object.assign(milestone, { id, name });
        into.push(milestone);
      }
    }
    return facts;
  }

  async refresh(manager: EntityManager, programme: ProgrammeEntity, ids: readonly string[]): Promise<Map<string, StatusResult>> {
    return this.write(manager, programme, await this.loadFacts(manager, programme.id, ids, { milestoneDetails: false }));
  }

  /**
   * Derives and stores the status and rollup of organisations whose facts the caller already has (imports).
   * `created`: the organisations were created in the caller's transaction, so they have no stored status yet.
   */
  async write(manager: EntityManager, programme: ProgrammeEntity, facts: Map<string, Facts>, options: { created?: boolean } = {}): Promise<Map<string, StatusResult>> {
    return this.store(manager, programme, this.derive(programme, facts), options);
  }

  /** The status and rollup of each organisation, computed without a statement. */
  derive(programme: ProgrammeEntity, facts: Map<string, Facts>): DerivedStatuses {
    const steps = this.deriving(programme, facts);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /**
   * derive(), handing the thread back every few hundred organisations: an import derives a batch while
   * PostgreSQL writes the previous statements, and the driver can send the next queued statement in
   * between instead of leaving PostgreSQL idle until the whole batch is derived.
   */
  async deriveYielding(programme: ProgrammeEntity, facts: Map<string, Facts>): Promise<DerivedStatuses> {
    const steps = this.deriving(programme, facts);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private *deriving(programme: ProgrammeEntity, facts: Map<string, Facts>): Generator<void, DerivedStatuses, void> {
    const now = this.clock.now();
    const cutoff = new Date(programme.updatesCutoff);
    const derived: DerivedStatuses = { at: now, results: new Map(), ids: [], shapeOf: [], shapes: new Map() };
    // organisations given the very same facts object (an import's new ones) are derived once
    const done = new Map<Facts, { result: StatusResult; n: number }>();
    let count = 0;
    for (const [id, f] of facts) {
      let known = done.get(f);
      if (!known) {
        const result = this.evaluate(programme, f, now);
        const key = JSON.stringify(rollup(f, result, now, cutoff));
        let n = derived.shapes.get(key);
        if (n === undefined) derived.shapes.set(key, (n = derived.shapes.size + 1));
        done.set(f, (known = { result, n }));
        if (++count % 250 === 0) yield;
      }
      derived.results.set(id, known.result);
      derived.ids.push(id);
      derived.shapeOf.push(known.n);
    }
    return derived;
  }

  /** Stores what derive() computed, in one statement. */
  async store(manager: EntityManager, programme: ProgrammeEntity, derived: DerivedStatuses, options: { created?: boolean } = {}): Promise<Map<string, StatusResult>> {
    if (derived.ids.length === 0) return derived.results;
    // Many organisations share the same rollup (a new one's is its plan's): each distinct rollup is sent
    // once, in one JSON document for the batch, and each organisation names the one it has.
    const document = `[${[...derived.shapes].map(([key, n]) => `{"n":${n},${key.slice(1)}`).join(',')}]`;
    await manager.query(
      `INSERT INTO organisation_status (organisation_id, programme_id, as_of, status, reasons, endpoints_total, endpoints_remaining, ot_total, ot_remaining,
         milestones_not_started, milestones_in_progress, milestones_done, milestones_blocked, milestones_overdue, removal_verified, risk_score, risk_reasons)
       SELECT o.id, $1::uuid, $2::timestamptz, t.status, t.reasons, t."endpointsTotal", t."endpointsRemaining", t."otTotal", t."otRemaining",
              t."notStarted", t."inProgress", t.done, t.blocked, t.overdue, t."removalVerified", t."riskScore", t."riskReasons"
       FROM unnest($3::uuid[], $4::int[]) AS o(id, n)
       JOIN jsonb_to_recordset($5::jsonb) AS t(n int, status text, reasons jsonb, "endpointsTotal" bigint, "endpointsRemaining" bigint, "otTotal" bigint,
         "otRemaining" bigint, "notStarted" int, "inProgress" int, done int, blocked int, overdue int, "removalVerified" boolean, "riskScore" int, "riskReasons" jsonb) USING (n)
       ${options.created ? '' : `ON CONFLICT (organisation_id, programme_id) DO UPDATE SET status = EXCLUDED.status, reasons = EXCLUDED.reasons, as_of = EXCLUDED.as_of,
         endpoints_total = EXCLUDED.endpoints_total, endpoints_remaining = EXCLUDED.endpoints_remaining, ot_total = EXCLUDED.ot_total, ot_remaining = EXCLUDED.ot_remaining,
         milestones_not_started = EXCLUDED.milestones_not_started, milestones_in_progress = EXCLUDED.milestones_in_progress, milestones_done = EXCLUDED.milestones_done,
         milestones_blocked = EXCLUDED.milestones_blocked, milestones_overdue = EXCLUDED.milestones_overdue, removal_verified = EXCLUDED.removal_verified,
         risk_score = EXCLUDED.risk_score, risk_reasons = EXCLUDED.risk_reasons`}`,
      [programme.id, derived.at, derived.ids, derived.shapeOf, document],
    );
    return derived.results;
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
