import { Injectable } from '@nestjs/common';
import { childRows } from '../data/organisation-rows';
import { DataSource } from 'typeorm';
import { OrganisationChange, UnitOfWork } from '../changes/organisation-change.service';
import { Actor } from '../domain/actor';
import { applyMilestoneReport } from '../domain/milestone-rules';
import { AppError, ErrorCode } from '../core/errors/app-error';
import { changedFields } from '../audit/audit.service';
import { VersionedIdInput } from '../organisations/dto/organisation.input';
import { ProgrammesService } from '../programmes/programmes.service';
import { DenyExtensionInput, GrantExtensionInput, RequestExtensionInput, UpdateMilestoneInput } from './dto/milestone.input';
import { ExtensionEntity } from '../data/entities/extension.entity';
import { MilestoneEntity } from '../data/entities/milestone.entity';
import type { MilestoneState } from '../domain/status/derive-status';

export interface MilestoneChange {
  state?: MilestoneState;
  blockedReason?: string | null;
  evidence?: string | null;
}

const canDecide = (actor: Actor) => actor.role === 'admin' || actor.role === 'liaison' || actor.role === 'system';

@Injectable()
export class MilestonesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly change: OrganisationChange,
    private readonly programmes: ProgrammesService,
  ) {}

  /** The reporting rule (libs/domain/milestone-rules.ts); a problem is BAD_USER_INPUT on the field. */
  applyChange(actor: Actor, milestone: MilestoneEntity, change: MilestoneChange, now: Date, field = ''): void {
    const problem = applyMilestoneReport(milestone, change, actor.id, now);
    if (problem) throw AppError.badInput(`${field}${problem.field}`, problem.message);
  }

  async update(actor: Actor, input: UpdateMilestoneInput): Promise<MilestoneEntity> {
    if (input.targetAt && !canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'targetAt: only a liaison or an admin may move a target', { field: 'targetAt' });
    return this.change.run(actor, { owned: 'Milestone', id: input.id }, async (unit) => {
      const milestone = await this.milestone(unit, input.id, input.version);
      const before = { ...milestone };
      this.applyChange(actor, milestone, input, unit.now);
      if (input.targetAt) milestone.targetAt = input.targetAt;
      const saved = await unit.manager.save(MilestoneEntity, milestone);
      unit.record({ organisationId: saved.organisationId, entityType: 'milestone', entityId: saved.id, action: 'update', ...changedFields(before, { ...saved, version: before.version }) });
      unit.reported();
      unit.touch(await this.programmes.get(saved.programmeId));
      return saved;
    });
  }

  async verify(actor: Actor, input: VersionedIdInput): Promise<MilestoneEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may verify a milestone');
    return this.change.run(actor, { owned: 'Milestone', id: input.id }, async (unit) => {
      const milestone = await this.milestone(unit, input.id, input.version);
      if (milestone.state !== 'DONE') throw AppError.badInput('id', `only a milestone reported DONE can be verified (it is ${milestone.state})`);
      if (milestone.verifiedAt) throw AppError.badInput('id', 'the milestone is already verified');
      const now = unit.now;
      Object.assign(milestone, { verifiedAt: now, verifiedBy: actor.id, updatedAt: now });
      const saved = await unit.manager.save(MilestoneEntity, milestone);
      unit.record({ organisationId: saved.organisationId, entityType: 'milestone', entityId: saved.id, action: 'verify', before: { verifiedAt: null }, after: { verifiedAt: now, verifiedBy: actor.id } });
      unit.touch(await this.programmes.get(saved.programmeId));
      return saved;
    });
  }

  async requestExtension(actor: Actor, input: RequestExtensionInput): Promise<ExtensionEntity> {
    return this.change.run(actor, { owned: 'Milestone', id: input.milestoneId }, async (unit) => {
      const { manager } = unit;
      const milestone = await this.milestone(unit, input.milestoneId);
      if (milestone.state === 'DONE') throw AppError.badInput('milestoneId', 'the milestone is done; there is nothing to extend');
      if (input.requestedTargetAt.getTime() <= milestone.targetAt.getTime()) {
        throw AppError.badInput('requestedTargetAt', `must be later than the current target ${milestone.targetAt.toISOString()}`);
      }
      const open = await manager.findOneBy(ExtensionEntity, { milestoneId: milestone.id, state: 'REQUESTED' });
      if (open) throw new AppError(ErrorCode.CONFLICT, 'milestoneId: an extension request for this milestone is already open', { field: 'milestoneId', extensionId: open.id });
      const extension = await manager.save(manager.create(ExtensionEntity, {
        organisationId: milestone.organisationId, milestoneId: milestone.id, justification: input.justification.trim(),
        requestedTargetAt: input.requestedTargetAt, state: 'REQUESTED', requestedBy: actor.id, requestedAt: unit.now,
        decidedBy: null, decidedAt: null, decisionNote: null, grantedTargetAt: null, expiresAt: null,
      }));
      unit.record({ organisationId: extension.organisationId, entityType: 'extension', entityId: extension.id, action: 'request', after: extension });
      return extension;
    });
  }

  async grantExtension(actor: Actor, input: GrantExtensionInput): Promise<ExtensionEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may grant an extension');
    return this.change.run(actor, { owned: 'Extension', id: input.id }, async (unit) => {
      const extension = await this.openExtension(unit, input.id, input.version);
      const milestone = await this.milestone(unit, extension.milestoneId);
      const granted = input.grantedTargetAt ?? extension.requestedTargetAt;
      const expires = input.expiresAt ?? granted;
      if (granted.getTime() <= milestone.targetAt.getTime()) throw AppError.badInput('grantedTargetAt', `must be later than the current target ${milestone.targetAt.toISOString()}`);
      if (expires.getTime() < granted.getTime()) throw AppError.badInput('expiresAt', 'must not be before the granted target');
      const now = unit.now;
      const before = { ...extension };
      Object.assign(extension, { state: 'GRANTED', decidedBy: actor.id, decidedAt: now, decisionNote: input.note ?? null, grantedTargetAt: granted, expiresAt: expires });
      const saved = await unit.manager.save(ExtensionEntity, extension);
      const previousTarget = milestone.targetAt;
      Object.assign(milestone, { targetAt: granted, updatedAt: now });
      await unit.manager.save(MilestoneEntity, milestone);
      unit.record(
        { organisationId: saved.organisationId, entityType: 'extension', entityId: saved.id, action: 'grant', ...changedFields(before, { ...saved, version: before.version }) },
        { organisationId: milestone.organisationId, entityType: 'milestone', entityId: milestone.id, action: 'extend', before: { targetAt: previousTarget }, after: { targetAt: granted } },
      );
      unit.touch(await this.programmes.get(milestone.programmeId));
      return saved;
    });
  }

  async denyExtension(actor: Actor, input: DenyExtensionInput): Promise<ExtensionEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may deny an extension');
    return this.change.run(actor, { owned: 'Extension', id: input.id }, async (unit) => {
      const extension = await this.openExtension(unit, input.id, input.version);
      Object.assign(extension, { state: 'DENIED', decidedBy: actor.id, decidedAt: unit.now, decisionNote: input.note });
      const saved = await unit.manager.save(ExtensionEntity, extension);
      unit.record({ organisationId: saved.organisationId, entityType: 'extension', entityId: saved.id, action: 'deny', before: { state: 'REQUESTED' }, after: { state: 'DENIED', decisionNote: input.note } });
      return saved;
    });
  }

  /** Milestones of many organisations in one statement (DataLoader). */
  of(programmeId: string, organisationIds: readonly string[]): Promise<MilestoneEntity[]> {
    return childRows(this.dataSource, 'milestones', organisationIds, programmeId);
  }

  extensionsOf(organisationIds: readonly string[]): Promise<ExtensionEntity[]> {
    return childRows(this.dataSource, 'extensions', organisationIds);
  }

  /** A milestone of the organisation the unit has locked; a stale version is a CONFLICT. */
  private async milestone(unit: UnitOfWork, id: string, version?: number): Promise<MilestoneEntity> {
    const row = await unit.manager.findOne(MilestoneEntity, { where: { id, organisationId: unit.organisation.id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw AppError.notFound('Milestone', id);
    if (version !== undefined && row.version !== version) throw AppError.conflict('Milestone', row.id, version, row.version);
    return row;
  }

  private async openExtension(unit: UnitOfWork, id: string, version: number): Promise<ExtensionEntity> {
    const row = await unit.manager.findOne(ExtensionEntity, { where: { id, organisationId: unit.organisation.id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw AppError.notFound('Extension', id);
    if (row.version !== version) throw AppError.conflict('Extension', id, version, row.version);
    if (row.state !== 'REQUESTED') throw AppError.badInput('id', `the extension was already ${row.state.toLowerCase()}`);
    return row;
  }
}
