import { isOrganisationsOwnReport } from '@libs/domain/report-rules';
import { sectorInForce } from '@libs/reference/sector-in-force';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@libs/domain/actor';
import { organisationScopeSql } from '@libs/data/scope';
import { AuditChange, changedFields } from '@libs/audit/audit.service';
import { Clock } from '@libs/core/clock/clock';
import { MilestonePlanService } from '@libs/data/milestone-plan.repository';
import { mergeContacts } from '@libs/data/contacts.repository';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { cancelPlannedReminders } from '@libs/data/outbox.repository';
import { OrganisationChange } from '@libs/changes/organisation-change.service';
import { inPipelineMode } from '@libs/core/database/pipeline-mode';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import { DerivedStatuses, Facts, StatusService } from '@libs/status/status.service';
import { readCsv } from './csv-reader';
import { COLUMNS, FootprintRecord, ImportKind, OrganisationRecord, parseFootprintRow, parseOrganisationRow, ReferenceSets, RowProblem } from './import-columns';

export interface ImportOptions {
  /** The programme the file's milestone plans and footprint rows belong to (the edge picks the default). */
  programmeId: string;
  dryRun: boolean;
  /** Apply the good rows and return the bad ones, instead of writing nothing when any row is bad. */
  applyGoodRows: boolean;
  /**
   * One import per credential at a time across every API process: the transaction first takes a
   * transaction-scoped advisory lock on the actor's id and refuses with CONFLICT when another holds it.
   * The lock goes with the transaction (commit, rollback or a lost connection), so nothing is left behind.
   */
  onePerActor?: boolean;
  /** At most this many bad rows in badRowsCsv (badRows still counts them all); unset: every bad row. */
  badRowsCsvLimit?: number;
  onProgress?: (rows: number) => void;
}

export interface ImportReport {
  importId: string;
  kind: ImportKind;
  dryRun: boolean;
  applied: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  badRows: number;
  /** The first 1,000 problems; `badRows` counts them all. */
  errors: RowProblem[];
  /** With applyGoodRows: the bad rows as CSV, with an `error` column, to fix and import again. */
  badRowsCsv: string | null;
  /** How many bad rows badRowsCsv holds: fewer than `badRows` when the answer's limit cut it short. */
  badRowsInCsv: number;
  seconds: number;
}

const BATCH = 5000;
const MAX_LISTED = 1000;
/** The advisory lock class of "an import by this actor is running" (the two-key form: its own key space). */
const IMPORT_LOCK_CLASS = 15_0005;

class Rollback extends Error {}

const importRunning = () =>
  new AppError(ErrorCode.CONFLICT, 'An import by this credential is already running: wait for its answer, then send the next file', {
    reason: 'IMPORT_RUNNING',
  });

/** Resolves once the statements already issued have gone to PostgreSQL, so that work done here next runs beside them. */
const handedOver = () => new Promise<void>((resolve) => setImmediate(resolve));

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * Statements sent one after another without waiting for each answer: on the transaction's one
 * connection PostgreSQL runs them back to back while Node goes on. Once one fails, those after it only
 * say that the transaction is aborted; so the answer send() returns, and drain(), report the first
 * statement that failed, whichever is awaited.
 */
function pipeline() {
  const sent: Array<Promise<unknown>> = [];
  const inOrder = async (statements: Array<Promise<unknown>>) => {
    for (const statement of statements) await statement;
  };
  return {
    send<T>(statement: Promise<T>): Promise<T> {
      const before = [...sent];
      statement.catch(() => undefined); // awaited by drain(); this only keeps an early failure from being unhandled
      sent.push(statement);
      const answer = statement.catch(async (error) => {
        await inOrder(before); // an earlier failure is the one to report
        throw error;
      });
      answer.catch(() => undefined);
      return answer;
    },
    drain: () => inOrder(sent),
  };
}

/**
 * Imports a CSV of organisations (with contacts) or of footprint rows, streamed, in one transaction:
 * the whole file or nothing (unless asked to apply the good rows). A dry run does exactly the same
 * work and rolls it back, so what it says would be created and updated is what an apply does.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);
  /** Actors with an import running in this process, from its upload on (see claim()). */
  private readonly running = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly change: OrganisationChange,
    private readonly programmes: ProgrammesService,
    private readonly plan: MilestonePlanService,
    private readonly status: StatusService,
  ) {}

  /**
   * Reserves this process's one import for the actor, before its file is even received: a second upload
   * by the same credential is refused at once (CONFLICT) instead of filling the disk beside the first.
   * Across processes the transaction's advisory lock (onePerActor) decides. Returns the release.
   */
  claim(actor: Actor): () => void {
    if (this.running.has(actor.id)) throw importRunning();
    this.running.add(actor.id);
    return () => this.running.delete(actor.id);
  }

  async run(actor: Actor, kind: ImportKind, input: Readable, options: ImportOptions): Promise<ImportReport> {
    const started = Date.now();
    const startedAt = this.clock.now();
    const report: ImportReport = {
      importId: randomUUID(),
      kind,
      dryRun: options.dryRun,
      applied: false,
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      badRows: 0,
      errors: [],
      badRowsCsv: null,
      badRowsInCsv: 0,
      seconds: 0,
    };
    const programme = await this.programmes.get(options.programmeId);
    const ref = await this.referenceSets(programme.id);
    const columns = [...COLUMNS[kind].required, ...COLUMNS[kind].optional];
    const bad: string[] = [];
    const problem = (p: RowProblem[], values?: Record<string, string>) => {
      if (p.length === 0) return;
      report.badRows += 1;
      for (const x of p) if (report.errors.length < MAX_LISTED) report.errors.push(x);
      if (options.applyGoodRows && values && bad.length < (options.badRowsCsvLimit ?? Infinity))
        bad.push([...columns.map((c) => csvCell(values[c] ?? '')), csvCell(p.map((x) => `${x.column}: ${x.reason}`).join('; '))].join(','));
    };

    try {
      await this.dataSource.transaction(async (manager) => {
        if (options.onePerActor) {
          const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked`, [IMPORT_LOCK_CLASS, actor.id]);
          if (!locked) throw importRunning();
        }
        // each statement handles a batch of thousands of rows: its transition tables (the reference
        // triggers), hashes and sorts stay in memory instead of spilling to temporary files
        await manager.query(`SET LOCAL work_mem = '64MB'`);
        await inPipelineMode(manager, async () => {
          let batch: Array<OrganisationRecord | FootprintRecord> = [];
          let valuesByLine = new Map<number, Record<string, string>>();
          const seen = new Set<string>();
          let hasContactColumns = false;
          // One batch is written while the next is read and checked: PostgreSQL and Node work side by side,
          // and batches still reach the database one after another, in order.
          let writing: Promise<void> = Promise.resolve();
          const flush = async () => {
            const records = batch;
            const values = valuesByLine;
            batch = [];
            valuesByLine = new Map();
            await writing;
            if (records.length === 0) return;
            writing = (async () => {
              const rejected =
                kind === 'organisations'
                  ? await this.flushOrganisations(manager, actor, records as OrganisationRecord[], report, programme)
                  : await this.flushFootprint(manager, actor, records as FootprintRecord[], report, programme);
              for (const p of rejected) problem([p], values.get(p.line));
            })();
            writing.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
          };
          for await (const row of readCsv(input, COLUMNS[kind])) {
            report.rows += 1;
            if (report.rows === 1) hasContactColumns = Object.keys(row.values).some((k) => k.endsWith('_contact_email'));
            if (row.width !== row.headerWidth) {
              problem([{ line: row.line, column: '*', reason: `has ${row.width} fields where the header has ${row.headerWidth}` }], row.values);
              continue;
            }
            const parsed =
              kind === 'organisations' ? parseOrganisationRow(row.line, row.values, ref, hasContactColumns) : parseFootprintRow(row.line, row.values, ref);
            if (!parsed.record) {
              problem(parsed.problems, row.values);
              continue;
            }
            const key =
              kind === 'organisations'
                ? (parsed.record as OrganisationRecord).externalKey
                : `${(parsed.record as FootprintRecord).organisationExternalKey}\u0000${(parsed.record as FootprintRecord).deploymentKey}`;
            if (seen.has(key)) {
              problem(
                [{ line: row.line, column: kind === 'organisations' ? 'external_key' : 'deployment_key', reason: 'appears earlier in the file' }],
                row.values,
              );
              continue;
            }
            seen.add(key);
            batch.push(parsed.record);
            valuesByLine.set(row.line, row.values);
            if (batch.length >= BATCH) await flush();
            if (report.rows % 1000 === 0) options.onProgress?.(report.rows);
            // a chunk of the file is read and checked in one go: hand the thread over now and then so that the
            // batch being written gets its next statement sent as soon as PostgreSQL is ready for it
            if (report.rows % 200 === 0) await handedOver();
          }
          await flush();
          await writing;
        });
        options.onProgress?.(report.rows);
        if ((report.badRows > 0 && !options.applyGoodRows) || options.dryRun) throw new Rollback();
        report.applied = true;
        await this.recordRun(manager, actor, report, startedAt);
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      await this.recordRun(this.dataSource.manager, actor, report, startedAt);
    }
    if (options.applyGoodRows && bad.length) report.badRowsCsv = [[...columns, 'error'].join(','), ...bad].join('\r\n') + '\r\n';
    report.badRowsInCsv = bad.length;
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    this.logger.log(
      `import ${report.importId} (${kind}${report.dryRun ? ', dry run' : ''}): ${report.rows} rows, ${report.created} created, ${report.updated} updated, ${report.badRows} bad, ${report.applied ? 'applied' : 'nothing written'} in ${report.seconds} s`,
    );
    return report;
  }

  private async recordRun(manager: EntityManager, actor: Actor, r: ImportReport, startedAt: Date) {
    await manager.query(
      `INSERT INTO import_run (id, kind, actor, actor_role, dry_run, applied, rows, created, updated, unchanged, bad_rows, started_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [r.importId, r.kind, actor.id, actor.role, r.dryRun, r.applied, r.rows, r.created, r.updated, r.unchanged, r.badRows, startedAt, this.clock.now()],
    );
  }

  private async referenceSets(programmeId: string): Promise<ReferenceSets> {
    const [sectors, states, products] = [
      await this.dataSource.query(`SELECT code FROM sector sc WHERE ${sectorInForce('sc', '$1')}`, [this.clock.now()]),
      await this.dataSource.query(`SELECT code FROM us_state`),
      await this.dataSource.query(`SELECT code, kind FROM product WHERE programme_id = $1 OR programme_id IS NULL`, [programmeId]),
    ];
    return {
      sectors: new Set(sectors.map((s: { code: string }) => s.code)),
      states: new Set(states.map((s: { code: string }) => s.code.trim())),
      products: new Map(products.map((p: { code: string; kind: 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER' }) => [p.code, p.kind])),
    };
  }

  /** One batch of organisations: a fixed number of statements, whatever its size. Returns the rows refused. */
  private async flushOrganisations(
    manager: EntityManager,
    actor: Actor,
    records: OrganisationRecord[],
    report: ImportReport,
    programme: ProgrammeEntity,
  ): Promise<RowProblem[]> {
    const now = this.clock.now();
    const rejected: RowProblem[] = [];
    // Only the caller's own organisations are locked: the scope is a condition of the locking statement
    // (PostgreSQL checks it again on the row it locks), so a liaison's file naming another sector's
    // organisation never holds it against that sector's writers. One index probe per key (LATERAL):
    // `external_key = ANY(…)` is planned as a scan of the whole table.
    const keys = records.map((r) => r.externalKey);
    const params: unknown[] = [keys];
    const existingRows: Array<Record<string, any>> = await manager.query(
      `SELECT o.* FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL (
         SELECT * FROM organisation o WHERE o.external_key = k.key AND ${organisationScopeSql(actor, 'o', params)} FOR UPDATE
       ) o`,
      params,
    );
    const inScope = new Set<string>(existingRows.map((o) => o.id));
    // the keys not found in scope: new organisations, or others' (read, not locked, to refuse their rows)
    const found = new Set(existingRows.map((o) => o.external_key));
    const notFound = keys.filter((k) => !found.has(k));
    if (notFound.length && actor.role !== 'admin' && actor.role !== 'system') {
      existingRows.push(
        ...(await manager.query(
          `SELECT o.id, o.external_key FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL (SELECT id, external_key FROM organisation WHERE external_key = k.key) o`,
          [notFound],
        )),
      );
    }
    const existing = new Map(existingRows.map((o) => [o.external_key, o]));
    const accepted = records.filter((r) => {
      const current = existing.get(r.externalKey);
      if (current && !inScope.has(current.id)) {
        rejected.push({ line: r.line, column: 'external_key', reason: 'belongs to an organisation outside your sectors' });
        return false;
      }
      if (actor.role === 'liaison' && !(actor.sectors ?? []).includes(r.primarySector)) {
        rejected.push({ line: r.line, column: 'primary_sector', reason: `${r.primarySector} is outside your sectors` });
        return false;
      }
      return true;
    });
    const fields = (r: OrganisationRecord) => ({
      name: r.name,
      primarySectorCode: r.primarySector,
      secondarySectorCodes: r.secondarySectors,
      stateCode: r.state,
      sizeBand: r.sizeBand,
      criticalityTier: r.criticalityTier,
    });
    const currentFields = (o: Record<string, any>) => ({
      name: o.name,
      primarySectorCode: o.primary_sector_code,
      secondarySectorCodes: [...o.secondary_sector_codes].sort(),
      stateCode: o.state_code.trim(),
      sizeBand: o.size_band,
      criticalityTier: o.criticality_tier,
    });
    const toCreate = accepted.filter((r) => !existing.has(r.externalKey));
    const toUpdate = accepted.filter((r) => {
      const o = existing.get(r.externalKey);
      return o && Object.keys(changedFields(currentFields(o), fields(r)).after).length > 0;
    });
    const changes: AuditChange[] = [];
    const col = <T>(rows: OrganisationRecord[], f: (r: OrganisationRecord) => T) => rows.map(f);

    const created: Array<{ id: string; external_key: string }> = toCreate.length
      ? await manager.query(
          `INSERT INTO organisation (external_key, name, primary_sector_code, secondary_sector_codes, state_code, size_band, criticality_tier, created_at, updated_at)
         SELECT k, n, p, CASE WHEN s = '' THEN '{}'::text[] ELSE string_to_array(s, ',') END, st, sb, ct, $8, $8
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[]) AS t(k, n, p, s, st, sb, ct)
         RETURNING id, external_key`,
          [
            col(toCreate, (r) => r.externalKey),
            col(toCreate, (r) => r.name),
            col(toCreate, (r) => r.primarySector),
            col(toCreate, (r) => r.secondarySectors.join(',')),
            col(toCreate, (r) => r.state),
            col(toCreate, (r) => r.sizeBand),
            col(toCreate, (r) => r.criticalityTier),
            now,
          ],
        )
      : [];
    const idOf = new Map<string, string>([
      ...existingRows.map((o) => [o.external_key, o.id] as [string, string]),
      ...created.map((c) => [c.external_key, c.id] as [string, string]),
    ]);
    const { send, drain } = pipeline();
    // contacts: a new organisation's are simply inserted, first, as soon as its id is known; an existing
    // one's are merged below, only where the file differs
    const newWithContacts = toCreate.filter((r) => r.contacts && r.contacts.length);
    if (newWithContacts.length) {
      const rows = newWithContacts.flatMap((r) => r.contacts!.map((c) => ({ o: idOf.get(r.externalKey)!, ...c })));
      send(
        manager.query(
          `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at)
         SELECT o, r, n, e, z, $6, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(o, r, n, e, z)`,
          [rows.map((c) => c.o), rows.map((c) => c.role), rows.map((c) => c.name), rows.map((c) => c.email), rows.map((c) => c.timeZone), now],
        ),
      );
    }
    for (const r of toCreate)
      changes.push({
        organisationId: idOf.get(r.externalKey)!,
        entityType: 'organisation',
        entityId: idOf.get(r.externalKey)!,
        action: 'import-create',
        after: fields(r),
      });

    if (toUpdate.length) {
      send(
        manager.query(
          `UPDATE organisation o SET name = t.n, primary_sector_code = t.p, secondary_sector_codes = CASE WHEN t.s = '' THEN '{}'::text[] ELSE string_to_array(t.s, ',') END,
           state_code = t.st, size_band = t.sb, criticality_tier = t.ct, updated_at = $8, version = o.version + 1
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[]) AS t(id, n, p, s, st, sb, ct)
         WHERE o.id = t.id`,
          [
            col(toUpdate, (r) => idOf.get(r.externalKey)),
            col(toUpdate, (r) => r.name),
            col(toUpdate, (r) => r.primarySector),
            col(toUpdate, (r) => r.secondarySectors.join(',')),
            col(toUpdate, (r) => r.state),
            col(toUpdate, (r) => r.sizeBand),
            col(toUpdate, (r) => r.criticalityTier),
            now,
          ],
        ),
      );
      for (const r of toUpdate) {
        const id = idOf.get(r.externalKey)!;
        changes.push({
          organisationId: id,
          entityType: 'organisation',
          entityId: id,
          action: 'import-update',
          ...changedFields(currentFields(existing.get(r.externalKey)!), fields(r)),
        });
      }
    }

    const withContacts = accepted.filter((r) => r.contacts !== null && existing.has(r.externalKey));
    let contactsChanged = new Set<string>();
    if (withContacts.length) {
      await drain();
      const ids = withContacts.map((r) => idOf.get(r.externalKey)!);
      const current: Array<Record<string, any>> = await manager.query(
        `SELECT organisation_id, role, name, email, time_zone FROM contact WHERE organisation_id = ANY($1::uuid[])`,
        [ids],
      );
      const norm = (list: Array<{ role: string; name: string; email: string; timeZone: string }>) =>
        JSON.stringify([...list].map((c) => [c.role, c.name, c.email, c.timeZone]).sort());
      const currentOf = new Map<string, Array<{ role: string; name: string; email: string; timeZone: string }>>();
      for (const c of current)
        currentOf.set(c.organisation_id, [...(currentOf.get(c.organisation_id) ?? []), { role: c.role, name: c.name, email: c.email, timeZone: c.time_zone }]);
      const replace = withContacts.filter((r) => norm(currentOf.get(idOf.get(r.externalKey)!) ?? []) !== norm(r.contacts!));
      contactsChanged = new Set(replace.map((r) => idOf.get(r.externalKey)!));
      if (replace.length) {
        const replaceIds = [...contactsChanged];
        await mergeContacts(
          manager,
          replaceIds,
          replace.flatMap((r) => r.contacts!.map((c) => ({ organisationId: idOf.get(r.externalKey)!, ...c }))),
          now,
        );
        for (const r of replace) {
          const id = idOf.get(r.externalKey)!;
          if (existing.has(r.externalKey))
            changes.push({
              organisationId: id,
              entityType: 'contact',
              entityId: id,
              action: 'import-replace',
              before: currentOf.get(id) ?? [],
              after: r.contacts!,
            });
        }
        // reminders planned for the old contacts are planned again for the new ones
        await cancelPlannedReminders(manager, replaceIds, 'recomputed');
      }
    }

    // a new organisation's facts are known without reading them back: no report, no footprint, the plan's milestones
    const cutoff = new Date(programme.updatesCutoff).getTime();
    const planned = programme.milestonePlan.map((s) => ({
      key: s.key,
      track: 'IT',
      targetAt: new Date(cutoff + s.itOffsetDays * 86_400_000),
      state: 'NOT_STARTED' as const,
      verifiedAt: null,
    }));
    // and differ only by criticality tier: one facts object per tier, so each is derived once
    const factsOfTier = new Map<number, Facts>();
    for (const r of toCreate) {
      if (!factsOfTier.has(r.criticalityTier))
        factsOfTier.set(r.criticalityTier, { lastReportedAt: null, criticalityTier: r.criticalityTier, footprint: [], milestones: planned });
    }
    const derived = this.status.derive(programme, new Map(toCreate.map((r) => [idOf.get(r.externalKey)!, factsOfTier.get(r.criticalityTier)!])));
    send(
      this.plan.instantiateMany(
        manager,
        programme,
        created.map((c) => c.id),
        'IT',
        now,
        { created: true },
      ),
    );
    // organisations of the file that exist but are not in this programme yet join it: its plan is made
    const joining = await this.plan.notYetIn(
      manager,
      programme,
      accepted.filter((r) => existing.has(r.externalKey)).map((r) => idOf.get(r.externalKey)!),
    );
    if (joining.length) send(this.plan.instantiateMany(manager, programme, joining, 'IT', now));
    await drain();
    const touched = [...new Set([...toUpdate.map((r) => idOf.get(r.externalKey)!), ...joining])];
    // the change path over the batch: audit, the new organisations' statuses as derived above, the
    // updated ones' read and derived again (their own fields are not a report, and replan nothing)
    await this.change.finish(
      manager,
      actor,
      {
        changes,
        importId: report.importId,
        replan: false,
        statuses: [{ programme, organisationIds: derived.ids, derived, created: true }, ...(touched.length ? [{ programme, organisationIds: touched }] : [])],
      },
      now,
    );
    report.created += created.length;
    report.updated += toUpdate.length;
    report.unchanged += accepted.length - created.length - toUpdate.length;
    // an organisation whose only change is its contacts counts as updated
    const updatedIds = new Set(toUpdate.map((r) => idOf.get(r.externalKey)!));
    const contactOnly = [...contactsChanged].filter((id) => !updatedIds.has(id)).length;
    report.updated += contactOnly;
    report.unchanged -= contactOnly;
    return rejected;
  }

  /** One batch of footprint rows, keyed by (organisation, deployment key). Returns the rows refused. */
  private async flushFootprint(
    manager: EntityManager,
    actor: Actor,
    records: FootprintRecord[],
    report: ImportReport,
    programme: ProgrammeEntity,
  ): Promise<RowProblem[]> {
    const now = this.clock.now();
    const rejected: RowProblem[] = [];
    const params: unknown[] = [[...new Set(records.map((r) => r.organisationExternalKey))]];
    const orgs: Array<{ id: string; external_key: string }> = await manager.query(
      `SELECT o.id, o.external_key FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL (
         SELECT o.id, o.external_key FROM organisation o WHERE o.external_key = k.key AND o.archived_at IS NULL AND ${organisationScopeSql(actor, 'o', params)} FOR UPDATE
       ) o`,
      params,
    );
    const orgOf = new Map(orgs.map((o) => [o.external_key, o.id]));
    const accepted = records.filter((r) => {
      if (orgOf.has(r.organisationExternalKey)) return true;
      rejected.push({
        line: r.line,
        column: 'organisation_external_key',
        reason: `no organisation "${r.organisationExternalKey}" in your scope: import it first`,
      });
      return false;
    });
    if (accepted.length === 0) return rejected;
    const existingRows: Array<Record<string, any>> = await manager.query(
      `SELECT f.* FROM unnest($2::uuid[], $3::text[]) AS k(o, key) CROSS JOIN LATERAL (
         SELECT * FROM footprint f WHERE f.organisation_id = k.o AND f.programme_id = $1 AND f.import_key = k.key FOR UPDATE
       ) f`,
      [programme.id, accepted.map((r) => orgOf.get(r.organisationExternalKey)), accepted.map((r) => r.deploymentKey)],
    );
    const existing = new Map(existingRows.map((f) => [`${f.organisation_id}\u0000${f.import_key}`, f]));
    const fields = (r: FootprintRecord) => ({
      productCode: r.productCode,
      productName: r.productName,
      vendor: r.vendor,
      whiteLabelConfidence: r.whiteLabelConfidence,
      environment: r.environment,
      endpointCount: r.endpointCount,
      endpointsRemaining: r.endpointsRemaining,
      updateChannel: r.updateChannel,
      licenceEnd: r.licenceEnd,
      replacementProduct: r.replacementProduct,
      replacementChosenByOrganisation: r.replacementChosenByOrganisation,
    });
    const currentFields = (f: Record<string, any>) => ({
      productCode: f.product_code,
      productName: f.product_name,
      vendor: f.vendor,
      whiteLabelConfidence: f.white_label_confidence,
      environment: f.environment,
      endpointCount: f.endpoint_count,
      endpointsRemaining: f.endpoints_remaining,
      updateChannel: f.update_channel,
      licenceEnd: f.licence_end ? (f.licence_end instanceof Date ? f.licence_end.toISOString().slice(0, 10) : String(f.licence_end).slice(0, 10)) : null,
      replacementProduct: f.replacement_product,
      replacementChosenByOrganisation: f.replacement_chosen_by_organisation,
    });
    const keyOf = (r: FootprintRecord) => `${orgOf.get(r.organisationExternalKey)}\u0000${r.deploymentKey}`;
    const toCreate = accepted.filter((r) => !existing.has(keyOf(r)));
    const toUpdate = accepted.filter((r) => {
      const f = existing.get(keyOf(r));
      return f && Object.keys(changedFields(currentFields(f), fields(r)).after).length > 0;
    });
    const all = [...toCreate, ...toUpdate];
    const c = <T>(f: (r: FootprintRecord) => T) => all.map(f);
    const touched = [...new Set(all.map((r) => orgOf.get(r.organisationExternalKey)!))];
    const withOt = [...new Set(all.filter((r) => r.environment === 'OT').map((r) => orgOf.get(r.organisationExternalKey)!))];
    const { send, drain } = pipeline();
    // sent together: the rows, the OT track for organisations that now have OT, the facts their statuses
    // are derived from (read after both, on the same connection), and the organisations marked as reported
    const upserting = send<Array<{ id: string; organisation_id: string; import_key: string }>>(
      all.length
        ? manager.query(
            `INSERT INTO footprint (organisation_id, programme_id, import_key, product_code, product_name, vendor, white_label_confidence, environment, endpoint_count,
           endpoints_remaining, update_channel, licence_end, replacement_product, replacement_chosen_by_organisation, created_at, updated_at)
         SELECT o, $1, k, pc, pn, v, wl, env, ec, er, uc, le, rp, rc, $15, $15
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[], $11::text[], $12::date[], $13::text[], $14::boolean[])
           AS t(o, k, pc, pn, v, wl, env, ec, er, uc, le, rp, rc)
         ON CONFLICT (organisation_id, programme_id, import_key) WHERE import_key IS NOT NULL DO UPDATE SET
           product_code = EXCLUDED.product_code, product_name = EXCLUDED.product_name, vendor = EXCLUDED.vendor, white_label_confidence = EXCLUDED.white_label_confidence,
           environment = EXCLUDED.environment, endpoint_count = EXCLUDED.endpoint_count, endpoints_remaining = EXCLUDED.endpoints_remaining,
           update_channel = EXCLUDED.update_channel, licence_end = EXCLUDED.licence_end, replacement_product = EXCLUDED.replacement_product,
           replacement_chosen_by_organisation = EXCLUDED.replacement_chosen_by_organisation, updated_at = EXCLUDED.updated_at, version = footprint.version + 1
         RETURNING id, organisation_id, import_key`,
            [
              programme.id,
              c((r) => orgOf.get(r.organisationExternalKey)),
              c((r) => r.deploymentKey),
              c((r) => r.productCode),
              c((r) => r.productName),
              c((r) => r.vendor),
              c((r) => r.whiteLabelConfidence),
              c((r) => r.environment),
              c((r) => r.endpointCount),
              c((r) => r.endpointsRemaining),
              c((r) => r.updateChannel),
              c((r) => r.licenceEnd),
              c((r) => r.replacementProduct),
              c((r) => r.replacementChosenByOrganisation),
              now,
            ],
          )
        : Promise.resolve([]),
    );
    // an organisation reporting a footprint in a programme it is not in yet joins it (its IT plan), as addFootprint does
    const joining = await this.plan.notYetIn(manager, programme, touched);
    if (joining.length) send(this.plan.instantiateMany(manager, programme, joining, 'IT', now));
    send(this.plan.instantiateMany(manager, programme, withOt, 'OT', now));
    const reading = send(
      touched.length ? this.status.loadFacts(manager, programme.id, touched, { milestoneDetails: false }) : Promise.resolve(new Map<string, Facts>()),
    );
    const upserted = await upserting;
    const idOf = new Map(upserted.map((u) => [`${u.organisation_id}\u0000${u.import_key}`, u.id]));
    const changes: AuditChange[] = [
      ...toCreate.map((r) => ({
        organisationId: orgOf.get(r.organisationExternalKey)!,
        entityType: 'footprint',
        entityId: idOf.get(keyOf(r))!,
        action: 'import-create',
        after: fields(r),
      })),
      ...toUpdate.map((r) => ({
        organisationId: orgOf.get(r.organisationExternalKey)!,
        entityType: 'footprint',
        entityId: idOf.get(keyOf(r))!,
        action: 'import-update',
        ...changedFields(currentFields(existing.get(keyOf(r))!), fields(r)),
      })),
    ];
    let derived: DerivedStatuses | undefined;
    if (touched.length) {
      const facts = await reading;
      if (isOrganisationsOwnReport(actor)) for (const f of facts.values()) f.lastReportedAt = now; // what the change path writes below
      // derived while PostgreSQL writes the rows and the OT tracks
      derived = await this.status.deriveYielding(programme, facts);
    }
    await drain();
    // the change path over the batch: a footprint file entered by staff is an edit, not the organisations' report; audit; statuses; replan
    await this.change.finish(
      manager,
      actor,
      {
        changes,
        importId: report.importId,
        reported: isOrganisationsOwnReport(actor) ? touched : [],
        statuses: derived ? [{ programme, organisationIds: touched, derived }] : [],
      },
      now,
    );
    report.created += toCreate.length;
    report.updated += toUpdate.length;
    report.unchanged += accepted.length - all.length;
    return rejected;
  }
}
