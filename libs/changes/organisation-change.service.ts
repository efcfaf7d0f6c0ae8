import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';
import { currentRequestId } from '@libs/core/context/request-context';
import { AuditChange, AuditRepository } from '@libs/data/audit.repository';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import type { OrganisationEntity } from '@libs/data/entities/organisation.entity';
import { OrganisationRepository, OwnedLabel } from '@libs/data/organisation.repository';
import { OrganisationWithRows, ReportRepository } from '@libs/data/report.repository';
import { cancelPlannedRemindersIn } from '@libs/data/outbox.repository';
import { CombinedWrite } from '@libs/core/database/combined-write';
import type { Actor } from '@libs/domain/actor';
import type { StatusResult } from '@libs/domain/status/derive-status';
import { DerivedStatuses, Facts, StatusService } from '@libs/status/status.service';

/** What a change to organisations' facts leaves for the steps that follow it. */
export interface ChangeSet {
  /** The audit events of the change; written in its transaction. */
  changes: AuditChange[];
  /** The organisations whose own report this was (a reporter, a link, a self-report or a footprint import): their report time moves. */
  reported?: readonly string[];
  /** The report time is already written (by the change's own statement). */
  reportWritten?: boolean;
  /** Per programme whose facts changed, the organisations to re-derive, with their facts after the change when the caller already has them. */
  statuses: Array<{ programme: ProgrammeEntity; organisationIds: readonly string[]; facts?: Map<string, Facts>; derived?: DerivedStatuses; created?: boolean }>;
  /** false: the change does not touch what reminders are planned from (default true). */
  replan?: boolean;
  importId?: string | null;
}

/** A change in progress on one organisation, locked in the caller's scope. */
export class UnitOfWork {
  readonly set: ChangeSet = { changes: [], statuses: [] };
  /** The change's own writes that need nothing read back before the audit and status: sent with them, as one statement. */
  readonly write = new CombinedWrite();
  private readonly checks: Array<(counts: Record<string, number>) => void> = [];

  constructor(
    readonly manager: EntityManager,
    readonly actor: Actor,
    readonly organisation: OrganisationEntity,
    readonly now: Date,
    /** With `withRows`: all the organisation's footprint rows and milestones, read with the lock. */
    readonly rows?: Pick<OrganisationWithRows, 'footprint' | 'milestones'>,
  ) {}

  record(...changes: AuditChange[]): void {
    this.set.changes.push(...changes);
  }

  /**
   * The organisation said this of itself: its report time moves. A staff edit is not a report.
   * `written`: the caller's own statement already wrote the report time (the self-report's).
   */
  reported(options: { written?: boolean } = {}): void {
    this.set.reported = [this.organisation.id];
    this.set.reportWritten = options.written ?? false;
  }

  /** The organisation's facts in this programme changed: its status is derived again and its reminders replanned. */
  touch(programme: ProgrammeEntity, facts?: Facts): void {
    const known = this.set.statuses.find((s) => s.programme.id === programme.id);
    const given = facts ? new Map([[this.organisation.id, facts]]) : undefined;
    if (known) known.facts = given ?? known.facts;
    else this.set.statuses.push({ programme, organisationIds: [this.organisation.id], facts: given });
  }

  /** A check on the rows the one write changed (a version that moved meanwhile is a CONFLICT), run once it is sent. */
  afterWrite(check: (counts: Record<string, number>) => void): void {
    this.checks.push(check);
  }

  /** @internal the change path runs the checks after the write. */
  checkWrite(counts: Record<string, number>): void {
    for (const check of this.checks) check(counts);
  }

  /** What reminders are planned from changed (contacts, preferences, a snooze) without a change of status. */
  replan(): void {
    this.set.replan = true;
  }
}

/**
 * The one change path. Every write to an organisation's facts, whatever its door (GraphQL mutation,
 * self-report, CSV import, CLI), goes through here: load the organisation in the caller's scope with a
 * lock, apply the change, write the audit in the same transaction, store the status rollup, and stop
 * what the reminder plan built from the old facts. A batch (the import) calls finish() over many
 * organisations: the same steps, each one statement whatever their number.
 */
@Injectable()
export class OrganisationChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly status: StatusService,
  ) {}

  /** One change to one organisation, named directly or by a row it owns (a footprint row, a milestone, an extension). */
  async run<T>(
    actor: Actor,
    target: { organisationId: string; withRows?: boolean } | { owned: OwnedLabel; id: string },
    work: (unit: UnitOfWork) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      let unit: UnitOfWork;
      if ('owned' in target) {
        unit = new UnitOfWork(manager, actor, await OrganisationRepository.lockOwnerOf(manager, actor, target.owned, target.id), this.clock.now());
      } else if (target.withRows) {
        const { organisation, ...rows } = await ReportRepository.lockWithRows(manager, actor, target.organisationId);
        unit = new UnitOfWork(manager, actor, organisation, this.clock.now(), rows);
      } else {
        unit = new UnitOfWork(manager, actor, await OrganisationRepository.getInScope(manager, actor, target.organisationId, true), this.clock.now());
      }
      const result = await work(unit);
      await this.finish(manager, actor, unit.set, unit.now, unit.write).then((done) => unit.checkWrite(done.counts));
      return result;
    });
  }

  /**
   * The steps that follow a change, for one organisation or a batch: report time, audit, statuses,
   * replan. What they write goes out as one statement with the change's own writes (`write`), after the
   * one read a status may still need.
   */
  async finish(
    manager: EntityManager,
    actor: Actor,
    set: ChangeSet,
    now: Date = this.clock.now(),
    write = new CombinedWrite(),
  ): Promise<{ results: Map<string, StatusResult>; counts: Record<string, number> }> {
    const reported = new Set(set.reported ?? []);
    if (reported.size && !set.reportWritten) OrganisationRepository.markReported(write, [...reported], now);
    AuditRepository.addTo(write, actor, set.changes, { at: now, requestId: currentRequestId() ?? null, importId: set.importId ?? null });
    const replan = set.replan ?? set.statuses.length > 0;
    const results = new Map<string, StatusResult>();
    for (const s of set.statuses) {
      // facts read here are read before the report time is written (it goes with the one write below)
      const facts = s.derived ? undefined : (s.facts ?? (await this.status.loadFacts(manager, s.programme.id, s.organisationIds, { milestoneDetails: false })));
      for (const [id, f] of facts ?? []) if (reported.has(id)) f.lastReportedAt = now;
      const derived = s.derived ?? this.status.derive(s.programme, facts!);
      // a new organisation has nothing planned yet
      for (const [id, r] of this.status.addTo(write, s.programme, derived, { created: s.created, replan: replan && !s.created })) results.set(id, r);
    }
    if (replan && set.statuses.length === 0) {
      cancelPlannedRemindersIn(write, [...new Set(set.changes.map((c) => c.organisationId).filter((id): id is string => id !== null))], 'recomputed');
    }
    return { results, counts: await write.run(manager) };
  }
}
