import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { riskScore } from '@libs/domain/status/risk-score';
import { OrganisationRepository } from '@libs/data/organisation.repository';
import { CombinedWrite } from '@libs/core/database/combined-write';
import { StatusRepository } from '@libs/data/status.repository';
import { deriveStatus, MilestoneState, StatusResult } from '@libs/domain/status/derive-status';
import { OrganisationFacts, signalsOf } from '@libs/domain/status/signals';
import type { ExtendableMilestone } from '@libs/domain/extension-rules';
import { productEntries } from '@libs/domain/report-rules';
import type { OtDeploymentFacts } from '@libs/domain/status/maintenance-window';

/** What the rules of status and escalation read about one organisation (libs/domain/status/signals.ts). */
export type Facts = OrganisationFacts;

const BATCH = 5000;

/** An organisation's facts in one programme, from rows the caller already holds (a report). */
export function factsFromRows(
  organisation: { lastReportedAt: Date | null; criticalityTier: number },
  footprint: ReadonlyArray<
    {
      endpointCount: number;
      endpointsRemaining: number;
      environment: string;
      productCode: string;
      vendor: string | null;
      verifiedRemaining: number | null;
      verifiedAt: Date | null;
    } & OtDeploymentFacts
  >,
  milestones: ReadonlyArray<
    {
      key: string;
      track: string;
      targetAt: Date;
      state: MilestoneState;
      verifiedAt: Date | null;
      maintenanceWindowFootprintId?: string | null;
    } & ExtendableMilestone
  >,
): Facts {
  return {
    lastReportedAt: organisation.lastReportedAt,
    criticalityTier: organisation.criticalityTier,
    footprint: footprint.map((f) => ({
      endpointCount: f.endpointCount,
      endpointsRemaining: f.endpointsRemaining,
      environment: f.environment,
      productCode: f.productCode,
      vendor: f.vendor,
      verifiedRemaining: f.verifiedRemaining,
      verifiedAt: f.verifiedAt,
      ...(f.maintenanceWindowStartsAt
        ? {
            id: f.id,
            maintenanceWindowStartsAt: f.maintenanceWindowStartsAt,
            maintenanceWindowEndsAt: f.maintenanceWindowEndsAt,
            maintenanceWindowName: f.maintenanceWindowName ?? null,
            replacementVendorCertified: f.replacementVendorCertified ?? null,
            replacementCertificationRef: f.replacementCertificationRef ?? null,
          }
        : {}),
    })),
    milestones: milestones.map((m) => ({
      key: m.key,
      track: m.track,
      targetAt: m.targetAt,
      state: m.state,
      verifiedAt: m.verifiedAt,
      extensionExpiresAt: m.extensionExpiresAt ?? null,
      extensionLapsesTo: m.extensionLapsesTo ?? null,
      extensionReportedAt: m.extensionReportedAt ?? null,
      ...(m.maintenanceWindowFootprintId ? { maintenanceWindowFootprintId: m.maintenanceWindowFootprintId } : {}),
    })),
  };
}

interface Rollup {
  status: string;
  reasons: unknown;
  endpointsTotal: number;
  endpointsRemaining: number;
  otTotal: number;
  otRemaining: number;
  notStarted: number;
  inProgress: number;
  done: number;
  blocked: number;
  overdue: number;
  removalVerified: boolean;
  riskScore: number;
  riskReasons: unknown;
  products: ReturnType<typeof productEntries>;
  reportStale: boolean;
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
    complete: result.status === 'COMPLETE',
    endpointsTotal: signals.endpointsTotal,
    endpointsRemaining: signals.endpointsRemaining,
    overdueMilestones: signals.overdue,
    hasOt,
    reportStale,
    criticalityTier: f.criticalityTier ?? 4,
    // past the cutoff and not covered by an extension in force (the status rule's own judgement)
    pastCutoff: result.reasons.some((r) => r.code === 'PAST_CUTOFF'),
  });
  return {
    // the stored reasons keep their codes only: the messages are derived again whenever status is read live
    status: result.status,
    reasons: result.reasons.map((r) => (r.milestoneKey ? { code: r.code, milestoneKey: r.milestoneKey, track: r.track } : { code: r.code })),
    endpointsTotal: signals.endpointsTotal,
    endpointsRemaining: signals.endpointsRemaining,
    otTotal: signals.otTotal,
    otRemaining: signals.otRemaining,
    notStarted: signals.notStarted,
    inProgress: signals.inProgress,
    done: signals.done,
    blocked: signals.blocked,
    overdue: signals.overdue,
    removalVerified: signals.removalVerified,
    riskScore: risk.score,
    riskReasons: risk.reasons,
    // what the product figures count (migration 0040): by product and white-label vendor, reported and verified
    products: productEntries(
      f.footprint.map((x) => ({
        productCode: x.productCode ?? 'OTHER',
        vendor: x.vendor ?? null,
        endpointCount: x.endpointCount,
        endpointsRemaining: x.endpointsRemaining,
        verifiedRemaining: x.verifiedRemaining ?? null,
        verifiedAt: x.verifiedAt ?? null,
      })),
      now,
      programme.staleReportDays,
    ),
    reportStale,
  };
}

/**
 * Keeps organisation_status (what list filters and dashboards read in SQL) equal to deriveStatus():
 * recomputed in the transaction of every write, and for everyone by the worker as time passes.
 */
@Injectable()
export class StatusService {
  private readonly logger = new Logger(StatusService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  evaluate(programme: ProgrammeEntity, facts: Facts, at: Date = this.clock.now()): StatusResult {
    return deriveStatus({
      now: at,
      cutoff: programme.updatesCutoff,
      staleReportDays: programme.staleReportDays,
      rules: programme.rules,
      lastReportedAt: facts.lastReportedAt,
      footprint: facts.footprint,
      milestones: facts.milestones,
    });
  }

  /** Facts of many organisations in one statement (libs/data/status.repository.ts). */
  loadFacts(
    manager: EntityManager,
    programmeId: string,
    organisationIds: readonly string[],
    options: { milestoneDetails?: boolean } = {},
  ): Promise<Map<string, Facts>> {
    return StatusRepository.loadFacts(manager, programmeId, organisationIds, options);
  }

  async refresh(
    manager: EntityManager,
    programme: ProgrammeEntity,
    ids: readonly string[],
    options: { replan?: boolean } = {},
  ): Promise<Map<string, StatusResult>> {
    return this.write(manager, programme, await this.loadFacts(manager, programme.id, ids, { milestoneDetails: false }), options);
  }

  /**
   * Derives and stores the status and rollup of organisations whose facts the caller already has (imports).
   * `created`: the organisations were created in the caller's transaction, so they have no stored status yet.
   */
  async write(
    manager: EntityManager,
    programme: ProgrammeEntity,
    facts: Map<string, Facts>,
    options: { created?: boolean; replan?: boolean } = {},
  ): Promise<Map<string, StatusResult>> {
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
  async store(
    manager: EntityManager,
    programme: ProgrammeEntity,
    derived: DerivedStatuses,
    options: { created?: boolean; replan?: boolean } = {},
  ): Promise<Map<string, StatusResult>> {
    const write = new CombinedWrite();
    this.addTo(write, programme, derived, options);
    await write.run(manager);
    return derived.results;
  }

  /** The same, as a part of a change's one write (the change path sends it with the audit). */
  addTo(
    write: CombinedWrite,
    programme: ProgrammeEntity,
    derived: DerivedStatuses,
    options: { created?: boolean; replan?: boolean } = {},
  ): Map<string, StatusResult> {
    if (derived.ids.length === 0) return derived.results;
    // Many organisations share the same rollup (a new one's is its plan's): each distinct rollup is sent
    // once, in one JSON document for the batch, and each organisation names the one it has.
    const document = `[${[...derived.shapes].map(([key, n]) => `{"n":${n},${key.slice(1)}`).join(',')}]`;
    StatusRepository.addTo(write, programme.id, derived.at, derived.ids, derived.shapeOf, document, options);
    return derived.results;
  }

  /** Every organisation taking part in the programme, in batches; what the worker runs as time passes. */
  async refreshAll(programme: ProgrammeEntity): Promise<number> {
    let after: string | null = '00000000-0000-0000-0000-000000000000';
    let total = 0;
    while (after !== null) {
      const page: { ids: string[]; last: string | null } = await OrganisationRepository.participantsPage(this.dataSource.manager, programme.id, after, BATCH);
      after = page.last;
      if (page.ids.length === 0) continue;
      await this.dataSource.transaction((manager) => this.refresh(manager, programme, page.ids));
      total += page.ids.length;
    }
    this.logger.log(`refreshed the status of ${total} organisations in ${programme.key}`);
    return total;
  }
}
