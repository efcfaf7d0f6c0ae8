import { Injectable } from '@nestjs/common';
import { entityColumns } from '../core/database/entity-columns';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../domain/actor';
import { AuditChange, AuditService, changedFields } from '../audit/audit.service';
import { Clock } from '../core/clock/clock';
import { AppError, FieldProblem } from '../core/errors/app-error';
import { MilestonePlanService } from '../data/milestone-plan.repository';
import { OrganisationsService } from '../organisations/organisations.service';
import { ProgrammeEntity } from '../data/entities/programme.entity';
import { ProgrammesService } from '../programmes/programmes.service';
import { ReferenceService } from '../reference/reference.service';
import { StatusService } from '../status/status.service';
import { replanReminders } from '../data/outbox.repository';
import { AddFootprintInput, UpdateFootprintInput } from './dto/footprint.input';
import { FootprintEntity } from '../data/entities/footprint.entity';
import { VersionedIdInput } from '../organisations/dto/organisation.input';

const REQUIRED = new Set(['productCode', 'environment', 'endpointCount', 'endpointsRemaining', 'updateChannel']);

/** A footprint as the rules see it, whatever the change that produced it. */
type FootprintShape = Pick<FootprintEntity, 'productCode' | 'productName' | 'vendor' | 'whiteLabelConfidence' | 'endpointCount' | 'endpointsRemaining'>;

@Injectable()
export class FootprintService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly reference: ReferenceService,
    private readonly programmes: ProgrammesService,
    private readonly organisations: OrganisationsService,
    private readonly plan: MilestonePlanService,
    private readonly status: StatusService,
  ) {}

  /** Counts can never be negative and what remains never exceeds the total; a white-label row names its vendor. */
  async validate(shape: FootprintShape, prefix = ''): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const at = (f: string) => `${prefix}${f}`;
    const product = await this.reference.product(shape.productCode);
    if (!product) problems.push({ field: at('productCode'), message: `unknown product ${shape.productCode}; see the products query` });
    if (product && product.kind !== 'CATALOGUE' && !shape.productName) problems.push({ field: at('productName'), message: `is required for ${product.code}` });
    if (product?.kind === 'WHITE_LABEL' && !shape.vendor) problems.push({ field: at('vendor'), message: 'is required for a white-label engine' });
    if (shape.endpointCount < 0) problems.push({ field: at('endpointCount'), message: 'must not be negative' });
    if (shape.endpointsRemaining < 0) problems.push({ field: at('endpointsRemaining'), message: 'must not be negative' });
    if (shape.endpointsRemaining > shape.endpointCount) {
      problems.push({ field: at('endpointsRemaining'), message: `must not exceed endpointCount (${shape.endpointsRemaining} > ${shape.endpointCount})` });
    }
    return problems;
  }

  async add(actor: Actor, input: AddFootprintInput): Promise<FootprintEntity> {
    const shape = {
      productCode: input.productCode, productName: input.productName ?? null, vendor: input.vendor ?? null,
      whiteLabelConfidence: input.whiteLabelConfidence ?? (input.productCode === 'WHITE_LABEL' ? 'UNKNOWN' as const : null),
      endpointCount: input.endpointCount, endpointsRemaining: input.endpointsRemaining ?? input.endpointCount,
    };
    const problems = await this.validate(shape);
    if (problems.length) throw AppError.badInputs(problems);
    const programme = await this.programmes.resolve(input.programmeId);
    return this.dataSource.transaction(async (manager) => {
      await this.organisations.get(actor, input.organisationId, manager, true);
      const now = this.clock.now();
      const row = await manager.save(manager.create(FootprintEntity, {
        ...shape, organisationId: input.organisationId, programmeId: programme.id, environment: input.environment,
        updateChannel: input.updateChannel ?? 'UNKNOWN', licenceEnd: input.licenceEnd ?? null, replacementProduct: input.replacementProduct ?? null,
        replacementChosenByOrganisation: input.replacementChosenByOrganisation ?? null, createdAt: now, updatedAt: now,
      }));
      const changes: AuditChange[] = [{ organisationId: row.organisationId, entityType: 'footprint', entityId: row.id, action: 'create', after: row }];
      await this.afterChange(manager, actor, programme, row.organisationId, row.environment === 'OT', changes, now);
      return row;
    });
  }

  async update(actor: Actor, input: UpdateFootprintInput): Promise<FootprintEntity> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockInScope(manager, actor, input.id);
      if (current.version !== input.version) throw AppError.conflict('Footprint', current.id, input.version, current.version);
      const before = { ...current };
      const next = Object.assign(current, Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && !(v === null && REQUIRED.has(k)) && k !== 'id' && k !== 'version')));
      const problems = await this.validate(next);
      if (problems.length) throw AppError.badInputs(problems);
      const now = this.clock.now();
      next.updatedAt = now;
      const saved = await manager.save(FootprintEntity, next);
      const programme = await this.programmes.get(saved.programmeId);
      const changes: AuditChange[] = [{ organisationId: saved.organisationId, entityType: 'footprint', entityId: saved.id, action: 'update', ...changedFields(before, { ...saved, version: before.version }) }];
      await this.afterChange(manager, actor, programme, saved.organisationId, saved.environment === 'OT', changes, now);
      return saved;
    });
  }

  async remove(actor: Actor, input: VersionedIdInput): Promise<FootprintEntity> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockInScope(manager, actor, input.id);
      if (current.version !== input.version) throw AppError.conflict('Footprint', current.id, input.version, current.version);
      await manager.delete(FootprintEntity, { id: current.id });
      const programme = await this.programmes.get(current.programmeId);
      const now = this.clock.now();
      await this.afterChange(manager, actor, programme, current.organisationId, false,
        [{ organisationId: current.organisationId, entityType: 'footprint', entityId: current.id, action: 'delete', before: current }], now);
      return current;
    });
  }

  /** Footprint of many organisations in one statement (DataLoader). */
  of(programmeId: string, organisationIds: readonly string[]): Promise<FootprintEntity[]> {
    return this.dataSource.query(
      `SELECT ${entityColumns(this.dataSource, FootprintEntity, 'f')} FROM footprint f
       WHERE f.programme_id = $1 AND f.organisation_id = ANY($2::uuid[]) ORDER BY f.created_at, f.id`,
      [programmeId, organisationIds],
    );
  }

  lockInScope(manager: EntityManager, actor: Actor, id: string): Promise<FootprintEntity> {
    return this.organisations.lockOwned(manager, actor, FootprintEntity, 'Footprint', id);
  }

  /** What every footprint change does besides the change itself: audit, the OT track, the report time, status. */
  async afterChange(manager: EntityManager, actor: Actor, programme: ProgrammeEntity, organisationId: string, isOt: boolean, changes: AuditChange[], now: Date) {
    if (isOt) {
      const created = await this.plan.instantiate(manager, programme, organisationId, 'OT', now);
      changes.push(...created.map((m) => ({ organisationId, entityType: 'milestone', entityId: m.id, action: 'create', after: m })));
    }
    await manager.query(`UPDATE organisation SET last_reported_at = $2 WHERE id = $1`, [organisationId, now]);
    await this.audit.record(manager, actor, changes);
    const status = await this.status.refresh(manager, programme, [organisationId]);
    await replanReminders(manager, organisationId, status.get(organisationId)?.status);
  }
}
