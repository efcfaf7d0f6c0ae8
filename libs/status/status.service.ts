import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../core/clock/clock';
import type { ProgrammeEntity } from '../data/entities/programme.entity';
import { riskScore } from '../domain/status/risk-score';
import { PLANNED_STATES_SQL } from '../data/outbox.repository';
import { deriveStatus, MilestoneState, StatusResult } from '../domain/status/derive-status';
import { OrganisationFacts, signalsOf } from '../domain/status/signals';

/** What the rules of status and escalation read about one organisation (libs/domain/status/signals.ts). */
export type Facts = OrganisationFacts;

const BATCH = 5000;

/** An organisation's facts in one programme, from rows the caller already holds (a report). */
export function factsFromRows(
  organisation: { lastReportedAt: Date | null; criticalityTier: number },
  footprint: ReadonlyArray<{ endpointCount: number; endpointsRemaining: number; environment: string }>,
  milestones: ReadonlyArray<{ key: string; track: string; targetAt: Date; state: MilestoneState; verifiedAt: Date | null }>,
): Facts {
  return {
    lastReportedAt: organisation.lastReportedAt, criticalityTier: organisation.criticalityTier,
    footprint: footprint.map((f) => ({ endpointCount: f.endpointCount, endpointsRemaining: f.endpointsRemaining, environment: f.environment })),
    milestones: milestones.map((m) => ({ key: m.key, track: m.track, targetAt: m.targetAt, state: m.state, verifiedAt: m.verifiedAt })),
  };
}

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

/** The per-organisation figures dashboards add up, and the risk score the at-risk list ranks by. */
function rollup(f: Facts, result: StatusResult, now: Date, programme: ProgrammeEntity): Rollup {
  const { reportStale, hasOt, ...signals } = signalsOf(f, result, now, programme.rules.removalVerifiedMilestoneKey);
  const risk = riskScore({
    complete: result.status === 'COMPLETE', endpointsTotal: signals.endpointsTotal, endpointsRemaining: signals.endpointsRemaining,
    overdueMilestones: signals.overdue, hasOt, reportStale, criticalityTier: f.criticalityTier ?? 4, pastCutoff: now.getTime() >= new Date(programme.updatesCutoff).getTime(),
  });
  return {
    // the stored reasons keep their codes only: the messages are derived again whenever status is read live
    status: result.status, reasons: result.reasons.map((r) => (r.milestoneKey ? { code: r.code, milestoneKey: r.milestoneKey, track: r.track } : { code: r.code })),
    endpointsTotal: signals.endpointsTotal, endpointsRemaining: signals.endpointsRemaining, otTotal: signals.otTotal, otRemaining: signals.otRemaining,
    notStarted: signals.notStarted, inProgress: signals.inProgress, done: signals.done, blocked: signals.blocked, overdue: signals.overdue,
    removalVerified: signals.removalVerified, riskScore: risk.score, riskReasons: risk.reasons,
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
      now: at, cutoff: programme.updatesCutoff, staleReportDays: programme.staleReportDays, rules: programme.rules, lastReportedAt: facts.lastReportedAt, footprint: facts.footprint, milestones: facts.milestones,
    });
  }

  /**
   * Three statements for any number of organisations. Without `milestoneDetails` the milestones carry
   * only what status derivation reads (no id or name): what a refresh needs, read and parsed faster.
   */
  async loadFacts(manager: EntityManager, programmeId: string, organisationIds: readonly string[], { milestoneDetails = true } = {}): Promise<Map<string, Facts>> {
    const ids = [...new Set(organisationIds)];
    // One statement, one JSON document: parsing it is native and a fraction of the cost of tens of
    // thousands of result rows (a refresh of 5,000 organisations), which PostgreSQL otherwise sat idle
    // waiting for. Instants are epoch milliseconds: numbers, not timestamps' text. LATERAL: an index
    // probe per organisation, where `= ANY(…)` of thousands of ids is planned as a scan of the table.
    const [{ doc }]: Array<{ doc: string }> = await manager.query(
      `SELECT json_build_object(
         'o', (SELECT coalesce(json_agg(json_build_array(o.id, (extract(epoch FROM o.last_reported_at) * 1000)::float8, o.criticality_tier)), '[]')
               FROM unnest($2::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT id, last_reported_at, criticality_tier FROM organisation WHERE id = k.id LIMIT 1) o),
         'f', (SELECT coalesce(json_agg(json_build_array(f.organisation_id, f.endpoint_count, f.endpoints_remaining, f.environment)), '[]')
               FROM unnest($2::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT * FROM footprint WHERE organisation_id = k.id AND programme_id = $1 OFFSET 0) f),
         'm', (SELECT coalesce(json_object_agg(organisation_id, ms), '{}') FROM (
                 SELECT organisation_id, json_agg(json_build_array(key, track, state, (extract(epoch FROM verified_at) * 1000)::float8,
                   (extract(epoch FROM target_at) * 1000)::float8${milestoneDetails ? ', id, name' : ''}) ORDER BY track, position) AS ms
                 FROM milestone WHERE programme_id = $1 AND organisation_id = ANY($2::uuid[]) GROUP BY organisation_id) s)
       )::text AS doc`,
      [programmeId, ids],
    );
    const parsed: {
      o: Array<[string, number | null, number]>;
      f: Array<[string, number, number, string]>;
      m: Record<string, Array<[string, string, MilestoneState, number | null, number, string?, string?]>>;
    } = JSON.parse(doc);
    const facts = new Map<string, Facts>();
    for (const [id, reportedMs, tier] of parsed.o) facts.set(id, { lastReportedAt: reportedMs === null ? null : new Date(reportedMs), criticalityTier: tier, footprint: [], milestones: [] });
    for (const [organisationId, endpointCount, endpointsRemaining, environment] of parsed.f) {
      (facts.get(organisationId)?.footprint as Facts['footprint'][number][] | undefined)?.push({ endpointCount, endpointsRemaining, environment });
    }
    for (const [organisationId, list] of Object.entries(parsed.m)) {
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

  async refresh(manager: EntityManager, programme: ProgrammeEntity, ids: readonly string[], options: { replan?: boolean } = {}): Promise<Map<string, StatusResult>> {
    return this.write(manager, programme, await this.loadFacts(manager, programme.id, ids, { milestoneDetails: false }), options);
  }

  /**
   * Derives and stores the status and rollup of organisations whose facts the caller already has (imports).
   * `created`: the organisations were created in the caller's transaction, so they have no stored status yet.
   */
  async write(manager: EntityManager, programme: ProgrammeEntity, facts: Map<string, Facts>, options: { created?: boolean; replan?: boolean } = {}): Promise<Map<string, StatusResult>> {
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
        const key = JSON.stringify(rollup(f, result, now, programme));
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

  /**
   * Stores what derive() computed, in one statement. `replan`: the organisations' facts changed, so what
   * the reminder plan built from the old facts is stopped in the same statement (libs/data/outbox.repository
   * says which rows); the hourly refresh, where only time passed, does not replan.
   */
  async store(manager: EntityManager, programme: ProgrammeEntity, derived: DerivedStatuses, options: { created?: boolean; replan?: boolean } = {}): Promise<Map<string, StatusResult>> {
    if (derived.ids.length === 0) return derived.results;
    // Many organisations share the same rollup (a new one's is its plan's): each distinct rollup is sent
    // once, in one JSON document for the batch, and each organisation names the one it has.
    const document = `[${[...derived.shapes].map(([key, n]) => `{"n":${n},${key.slice(1)}`).join(',')}]`;
    const upsert =
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
         risk_score = EXCLUDED.risk_score, risk_reasons = EXCLUDED.risk_reasons`}`;
    await manager.query(
      options.replan
        ? `WITH stored AS (${upsert} RETURNING organisation_id, status)
           UPDATE reminder_delivery d SET state = 'CANCELLED', cancel_reason = CASE WHEN s.status = 'COMPLETE' THEN 'complete' ELSE 'recomputed' END
           FROM stored s WHERE d.organisation_id = s.organisation_id AND d.state IN ${PLANNED_STATES_SQL}`
        : upsert,
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
