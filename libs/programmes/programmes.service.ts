import { PlanRepository } from '@libs/data/plan.repository';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '@libs/audit/audit.service';
import { AggregateCache } from '@libs/core/cache/aggregate-cache';
import { Clock } from '@libs/core/clock/clock';
import { AppError, ErrorCode, FieldProblem } from '@libs/core/errors/app-error';
import { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import type { Actor } from '@libs/domain/actor';
import { programmeRuleProblems } from '@libs/domain/programme';
import { ReferenceService } from '@libs/reference/reference.service';
import { CreateProgrammeInput, UpdateProgrammeInput } from './dto/programme.input';

/**
 * Programmes are reference data read by nearly every request, so they are kept in memory for a minute
 * rather than read each time. An administrator creates and edits them (audited); the process that
 * makes the change sees it at once, the others within the minute.
 */
const PROGRAMME_CACHE_MS = 60_000;

@Injectable()
export class ProgrammesService {
  private readonly cache = new AggregateCache(PROGRAMME_CACHE_MS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly reference: ReferenceService,
  ) {}

  list(): Promise<ProgrammeEntity[]> {
    return this.cache.get('list', () => this.dataSource.getRepository(ProgrammeEntity).find({ order: { createdAt: 'ASC', key: 'ASC' } }));
  }

  async get(id: string): Promise<ProgrammeEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw AppError.notFound('Programme', id);
    const found = (await this.list()).find((p) => p.id === id.toLowerCase());
    if (!found) throw AppError.notFound('Programme', id);
    return found;
  }

  /**
   * The programme a call means, chosen at the edge (resolvers, controllers, the CLI): the one named by
   * id or key, else the default, the first one created (the seeded programme).
   */
  async resolve(idOrKey?: string | null): Promise<ProgrammeEntity> {
    if (idOrKey && !/^[0-9a-f-]{36}$/i.test(idOrKey)) {
      const found = (await this.list()).find((p) => p.key === idOrKey);
      if (!found) throw AppError.notFound('Programme', idOrKey);
      return found;
    }
    if (idOrKey) return this.get(idOrKey);
    const [first] = await this.list();
    if (!first) throw AppError.notFound('Programme', 'default');
    return first;
  }

  /** A new programme with its plan, ladder, rules, wording and product catalogue, audited. */
  async create(actor: Actor, input: CreateProgrammeInput): Promise<ProgrammeEntity> {
    const problems = this.problems(input as Required<CreateProgrammeInput>);
    const products = input.products ?? [];
    const codes = products.map((p) => p.code);
    codes.forEach((c, i) => codes.indexOf(c) !== i && problems.push({ field: `products[${i}].code`, message: `${c} appears twice` }));
    if (problems.length) throw AppError.badInputs(problems);
    const created = await this.dataSource.transaction(async (manager) => {
      if ((await manager.query(`SELECT 1 FROM programme WHERE key = $1`, [input.key])).length) {
        throw new AppError(ErrorCode.CONFLICT, `key: a programme with key ${input.key} already exists`, { field: 'key' });
      }
      const taken: Array<{ code: string }> = codes.length ? await manager.query(`SELECT code FROM product WHERE code = ANY($1::text[])`, [codes]) : [];
      if (taken.length)
        throw AppError.badInputs(
          taken.map((t) => ({ field: `products[${codes.indexOf(t.code)}].code`, message: `${t.code} is already a product of the catalogue` })),
        );
      const now = this.clock.now();
      const [row] = await manager.query(
        `INSERT INTO programme (key, name, regulation, announced, published, new_business_cutoff, updates_cutoff, milestone_plan, reminder_ladder, stale_report_days, rules, wording, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          input.key,
          input.name,
          input.regulation,
          input.announced,
          input.published ?? null,
          input.newBusinessCutoff,
          input.updatesCutoff,
          JSON.stringify(input.milestonePlan),
          JSON.stringify(input.reminderLadder),
          input.staleReportDays,
          JSON.stringify(input.rules),
          JSON.stringify(input.wording),
          now,
        ],
      );
      if (products.length) {
        await manager.query(
          `INSERT INTO product (code, name, family, kind, programme_id) SELECT c, n, f, k, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, n, f, k)`,
          [codes, products.map((p) => p.name), products.map((p) => p.family), products.map((p) => p.kind), row.id],
        );
      }
      await this.audit.record(manager, actor, [{ organisationId: null, entityType: 'programme', entityId: row.id, action: 'create', after: { ...input } }]);
      return row.id as string;
    });
    this.changed();
    return this.get(created);
  }

  /** An edit at the version read; what changed is audited, field by field. */
  async update(actor: Actor, input: UpdateProgrammeInput): Promise<ProgrammeEntity> {
    const id = await this.dataSource.transaction(async (manager: EntityManager) => {
      const current = /^[0-9a-f-]{36}$/i.test(input.id)
        ? await manager.findOne(ProgrammeEntity, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!current) throw AppError.notFound('Programme', input.id);
      if (current.version !== input.version) throw AppError.conflict('Programme', current.id, input.version, current.version);
      const next = {
        name: input.name ?? current.name,
        regulation: input.regulation ?? current.regulation,
        announced: current.announced,
        newBusinessCutoff: input.newBusinessCutoff ?? current.newBusinessCutoff,
        updatesCutoff: input.updatesCutoff ?? current.updatesCutoff,
        staleReportDays: input.staleReportDays ?? current.staleReportDays,
        milestonePlan: input.milestonePlan ?? current.milestonePlan,
        reminderLadder: input.reminderLadder ?? current.reminderLadder,
        // rules given without their extension part keep the programme's
        rules: input.rules ? { ...input.rules, extensions: input.rules.extensions ?? current.rules.extensions } : current.rules,
        wording: input.wording ?? current.wording,
      };
      const problems = this.problems(next);
      if (problems.length) throw AppError.badInputs(problems);
      const before = {
        name: current.name,
        regulation: current.regulation,
        newBusinessCutoff: current.newBusinessCutoff,
        updatesCutoff: current.updatesCutoff,
        staleReportDays: current.staleReportDays,
        milestonePlan: current.milestonePlan,
        reminderLadder: current.reminderLadder,
        rules: current.rules,
        wording: current.wording,
      };
      const { announced: _announced, ...after } = next;
      const diff = changedFields(before, after);
      if (Object.keys(diff.after).length === 0) return current.id;
      await manager.query(
        `UPDATE programme SET name = $2, regulation = $3, new_business_cutoff = $4, updates_cutoff = $5, stale_report_days = $6, milestone_plan = $7,
           reminder_ladder = $8, rules = $9, wording = $10, version = version + 1, updated_at = $11 WHERE id = $1`,
        [
          current.id,
          next.name,
          next.regulation,
          next.newBusinessCutoff,
          next.updatesCutoff,
          next.staleReportDays,
          JSON.stringify(next.milestonePlan),
          JSON.stringify(next.reminderLadder),
          JSON.stringify(next.rules),
          JSON.stringify(next.wording),
          this.clock.now(),
        ],
      );
      await this.audit.record(manager, actor, [{ organisationId: null, entityType: 'programme', entityId: current.id, action: 'update', ...diff }]);
      // its plan, ladder, rules or wording may change every organisation's reminders
      await PlanRepository.planAllAgain(manager, current.id);
      return current.id;
    });
    this.changed();
    return this.get(id);
  }

  private problems(
    p: Pick<CreateProgrammeInput, 'newBusinessCutoff' | 'updatesCutoff' | 'milestonePlan' | 'rules' | 'reminderLadder'> & { announced: string },
  ): FieldProblem[] {
    const problems: FieldProblem[] = programmeRuleProblems(p.rules, p.milestonePlan);
    if (new Date(p.newBusinessCutoff).getTime() > new Date(p.updatesCutoff).getTime())
      problems.push({ field: 'newBusinessCutoff', message: 'must not be after updatesCutoff' });
    if (p.announced > new Date(p.updatesCutoff).toISOString().slice(0, 10)) problems.push({ field: 'announced', message: 'must not be after updatesCutoff' });
    if (p.reminderLadder.snoozeMaxDays > 60) problems.push({ field: 'reminderLadder.snoozeMaxDays', message: 'must be at most 60 days' });
    return problems;
  }

  private changed() {
    this.cache.clear();
    this.reference.invalidate();
  }
}
