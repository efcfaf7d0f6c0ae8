import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrganisationChange, UnitOfWork } from '@libs/changes/organisation-change.service';
import { childRows } from '@libs/data/organisation-rows';
import { AppError, ErrorCode, FieldProblem } from '@libs/core/errors/app-error';
import { FootprintEntity } from '@libs/data/entities/footprint.entity';
import type { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { MilestonePlanService } from '@libs/data/milestone-plan.repository';
import type { Actor } from '@libs/domain/actor';
import { footprintProblems, FootprintShape } from '@libs/domain/footprint-rules';
import { isOrganisationsOwnReport } from '@libs/domain/report-rules';
import { otDeploymentProblems } from '@libs/domain/status/maintenance-window';
import { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import { changedFields } from '@libs/audit/audit.service';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { ReferenceService } from '@libs/reference/reference.service';
import type { VersionedIdInput } from '@libs/organisations/dto/organisation.input';
import { AddFootprintInput, UpdateFootprintInput, VerifyFootprintInput } from './dto/footprint.input';

const REQUIRED = new Set(['productCode', 'environment', 'endpointCount', 'endpointsRemaining', 'updateChannel']);

@Injectable()
export class FootprintService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly change: OrganisationChange,
    private readonly reference: ReferenceService,
    private readonly programmes: ProgrammesService,
    private readonly plan: MilestonePlanService,
  ) {}

  /** The footprint rules (libs/domain/footprint-rules.ts) over the programme's product catalogue. */
  async validate(shape: FootprintShape, programmeId: string, prefix = ''): Promise<FieldProblem[]> {
    return footprintProblems(shape, (await this.reference.productIn(shape.productCode, programmeId))?.kind, (f) => `${prefix}${f}`);
  }

  /** A deployment in a programme; the organisation joins the programme (its IT plan is made) if it had not. */
  async add(actor: Actor, input: AddFootprintInput & { programmeId: string }): Promise<FootprintEntity> {
    const shape = {
      productCode: input.productCode,
      productName: input.productName ?? null,
      vendor: input.vendor ?? null,
      whiteLabelConfidence: input.whiteLabelConfidence ?? (input.productCode === 'WHITE_LABEL' ? ('UNKNOWN' as const) : null),
      endpointCount: input.endpointCount,
      endpointsRemaining: input.endpointsRemaining ?? input.endpointCount,
    };
    const ot = {
      maintenanceWindowStartsAt: input.maintenanceWindowStartsAt ?? null,
      maintenanceWindowEndsAt: input.maintenanceWindowEndsAt ?? null,
      maintenanceWindowName: input.maintenanceWindowName ?? null,
      replacementVendorCertified: input.replacementVendorCertified ?? null,
      replacementCertificationRef: input.replacementCertificationRef ?? null,
    };
    const programme = await this.programmes.get(input.programmeId);
    const problems = [...(await this.validate(shape, programme.id)), ...otDeploymentProblems({ ...ot, environment: input.environment })];
    if (problems.length) throw AppError.badInputs(problems);
    return this.change.run(actor, { organisationId: input.organisationId }, async (unit) => {
      const { manager, now } = unit;
      const row = await manager.save(
        manager.create(FootprintEntity, {
          ...shape,
          organisationId: unit.organisation.id,
          programmeId: programme.id,
          environment: input.environment,
          updateChannel: input.updateChannel ?? 'UNKNOWN',
          licenceEnd: input.licenceEnd ?? null,
          replacementProduct: input.replacementProduct ?? null,
          replacementChosenByOrganisation: input.replacementChosenByOrganisation ?? null,
          ...ot,
          createdAt: now,
          updatedAt: now,
        }),
      );
      unit.record({ organisationId: row.organisationId, entityType: 'footprint', entityId: row.id, action: 'create', after: row });
      await this.changed(unit, programme, row.environment === 'OT', true);
      return row;
    });
  }

  async update(actor: Actor, input: UpdateFootprintInput): Promise<FootprintEntity> {
    return this.change.run(actor, { owned: 'Footprint', id: input.id }, async (unit) => {
      const current = await this.row(unit, input.id, input.version);
      const before = { ...current };
      const next = Object.assign(
        current,
        Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && !(v === null && REQUIRED.has(k)) && k !== 'id' && k !== 'version')),
      );
      const problems = [...(await this.validate(next, next.programmeId)), ...otDeploymentProblems(next)];
      if (problems.length) throw AppError.badInputs(problems);
      next.updatedAt = unit.now;
      const saved = await unit.manager.save(FootprintEntity, next);
      unit.record({
        organisationId: saved.organisationId,
        entityType: 'footprint',
        entityId: saved.id,
        action: 'update',
        ...changedFields(before, { ...saved, version: before.version }),
      });
      if (before.maintenanceWindowEndsAt?.getTime() !== saved.maintenanceWindowEndsAt?.getTime()) await this.windowMoved(unit, saved);
      await this.changed(unit, await this.programmes.get(saved.programmeId), saved.environment === 'OT');
      return saved;
    });
  }

  async remove(actor: Actor, input: VersionedIdInput): Promise<FootprintEntity> {
    return this.change.run(actor, { owned: 'Footprint', id: input.id }, async (unit) => {
      const current = await this.row(unit, input.id, input.version);
      if (current.maintenanceWindowStartsAt) await this.windowMoved(unit, { ...current, maintenanceWindowEndsAt: null });
      await unit.manager.delete(FootprintEntity, { id: current.id });
      unit.record({ organisationId: current.organisationId, entityType: 'footprint', entityId: current.id, action: 'delete', before: current });
      await this.changed(unit, await this.programmes.get(current.programmeId), false);
      return current;
    });
  }

  /**
   * A liaison's (or an admin's) verified count of what remains on a row: kept beside the reported count,
   * with who verified it and when. Not a report: the organisation's report time does not move.
   */
  async verify(actor: Actor, input: VerifyFootprintInput): Promise<FootprintEntity> {
    if (actor.role !== 'liaison' && actor.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may verify a footprint count');
    return this.change.run(actor, { owned: 'Footprint', id: input.id }, async (unit) => {
      const current = await this.row(unit, input.id, input.version);
      if (input.verifiedRemaining > current.endpointCount) {
        throw AppError.badInput('verifiedRemaining', `must not exceed endpointCount (${input.verifiedRemaining} > ${current.endpointCount})`);
      }
      const before = { verifiedRemaining: current.verifiedRemaining, verifiedBy: current.verifiedBy, verifiedAt: current.verifiedAt };
      Object.assign(current, { verifiedRemaining: input.verifiedRemaining, verifiedBy: actor.id, verifiedAt: unit.now, updatedAt: unit.now });
      const saved = await unit.manager.save(FootprintEntity, current);
      unit.record({
        organisationId: saved.organisationId,
        entityType: 'footprint',
        entityId: saved.id,
        action: 'verify',
        before,
        after: {
          verifiedRemaining: saved.verifiedRemaining,
          verifiedBy: saved.verifiedBy,
          verifiedAt: saved.verifiedAt,
          reportedRemaining: saved.endpointsRemaining,
        },
      });
      // the product figures count verified rows (organisation_status.products): the rollup is stored again
      unit.touch(await this.programmes.get(saved.programmeId));
      return saved;
    });
  }

  /** Footprint of many organisations in one statement (DataLoader). */
  of(programmeId: string, organisationIds: readonly string[]): Promise<FootprintEntity[]> {
    return childRows(this.dataSource, 'footprint', organisationIds, programmeId);
  }

  /**
   * The milestones that target a deployment's window follow it when it moves (their target is its new
   * end), unless an extension in force set their target; a window removed (or its deployment) leaves
   * them targeting no window, with the target they had.
   */
  private async windowMoved(unit: UnitOfWork, f: Pick<FootprintEntity, 'id' | 'organisationId' | 'maintenanceWindowEndsAt'>) {
    const targeting = await unit.manager.find(MilestoneEntity, {
      where: { organisationId: f.organisationId, maintenanceWindowFootprintId: f.id },
      lock: { mode: 'pessimistic_write' },
    });
    for (const m of targeting) {
      const before = { targetAt: m.targetAt, maintenanceWindowFootprintId: m.maintenanceWindowFootprintId };
      if (!f.maintenanceWindowEndsAt) m.maintenanceWindowFootprintId = null;
      else if (m.state !== 'DONE' && !m.extensionId) m.targetAt = f.maintenanceWindowEndsAt;
      else continue;
      m.updatedAt = unit.now;
      await unit.manager.save(MilestoneEntity, m);
      unit.record({
        organisationId: m.organisationId,
        entityType: 'milestone',
        entityId: m.id,
        action: 'follow-window',
        before,
        after: { targetAt: m.targetAt, maintenanceWindowFootprintId: m.maintenanceWindowFootprintId },
      });
    }
  }

  private async row(unit: UnitOfWork, id: string, version: number): Promise<FootprintEntity> {
    const row = await unit.manager.findOne(FootprintEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw AppError.notFound('Footprint', id);
    if (row.version !== version) throw AppError.conflict('Footprint', row.id, version, row.version);
    return row;
  }

  /** A footprint change by the organisation itself is its report (a staff edit is not); an OT deployment opens the OT track of the plan. */
  private async changed(unit: UnitOfWork, programme: ProgrammeEntity, isOt: boolean, added = false) {
    for (const track of [...(added ? ['IT' as const] : []), ...(isOt ? ['OT' as const] : [])]) {
      const created = await this.plan.instantiate(unit.manager, programme, unit.organisation.id, track, unit.now);
      unit.record(...created.map((m) => ({ organisationId: unit.organisation.id, entityType: 'milestone', entityId: m.id, action: 'create', after: m })));
    }
    if (isOrganisationsOwnReport(unit.actor)) unit.reported();
    unit.touch(programme);
  }
}
