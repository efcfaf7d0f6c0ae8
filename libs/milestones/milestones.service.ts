import { Injectable } from '@nestjs/common';
import { entityColumns } from '../core/database/entity-columns';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../domain/actor';
import { AuditChange, AuditService, changedFields } from '../audit/audit.service';
import { Clock } from '../core/clock/clock';
import { AppError, ErrorCode } from '../core/errors/app-error';
import { OrganisationsService } from '../organisations/organisations.service';
import { VersionedIdInput } from '../organisations/dto/organisation.input';
import { ProgrammesService } from '../programmes/programmes.service';
import { StatusService } from '../status/status.service';
import { replanReminders } from '../data/outbox.repository';
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
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly organisations: OrganisationsService,
    private readonly programmes: ProgrammesService,
    private readonly status: StatusService,
  ) {}

  /**
   * A reported change of state. What an organisation reports and what a liaison verified are different
   * facts: a new state clears an earlier verification, since it no longer verifies what is reported.
   */
  applyChange(actor: Actor, milestone: MilestoneEntity, change: MilestoneChange, now: Date, field = ''): void {
    const state = change.state ?? milestone.state;
    const blockedReason = change.blockedReason !== undefined ? change.blockedReason : milestone.blockedReason;
    if (state === 'BLOCKED' && !blockedReason) throw AppError.badInput(`${field}blockedReason`, 'is required when the state is BLOCKED');
    if (state !== milestone.state) {
      milestone.verifiedAt = null;
      milestone.verifiedBy = null;
    }
    milestone.state = state;
    milestone.blockedReason = state === 'BLOCKED' ? blockedReason : null;
    if (change.evidence !== undefined) milestone.evidence = change.evidence;
    milestone.reportedBy = actor.id;
    milestone.reportedAt = now;
    milestone.updatedAt = now;
  }

  async update(actor: Actor, input: UpdateMilestoneInput): Promise<MilestoneEntity> {
    if (input.targetAt && !canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'targetAt: only a liaison or an admin may move a target', { field: 'targetAt' });
    return this.dataSource.transaction(async (manager) => {
      const milestone = await this.lockInScope(manager, actor, input.id);
      if (milestone.version !== input.version) throw AppError.conflict('Milestone', milestone.id, input.version, milestone.version);
      const before = { ...milestone };
      const now = this.clock.now();
      this.applyChange(actor, milestone, input, now);
      if (input.targetAt) milestone.targetAt = input.targetAt;
      const saved = await manager.save(MilestoneEntity, milestone);
      await this.afterChange(manager, actor, saved.organisationId, saved.programmeId,
        [{ organisationId: saved.organisationId, entityType: 'milestone', entityId: saved.id, action: 'update', ...changedFields(before, { ...saved, version: before.version }) }], now);
      return saved;
    });
  }

  async verify(actor: Actor, input: VersionedIdInput): Promise<MilestoneEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may verify a milestone');
    return this.dataSource.transaction(async (manager) => {
      const milestone = await this.lockInScope(manager, actor, input.id);
      if (milestone.version !== input.version) throw AppError.conflict('Milestone', milestone.id, input.version, milestone.version);
      if (milestone.state !== 'DONE') throw AppError.badInput('id', `only a milestone reported DONE can be verified (it is ${milestone.state})`);
      if (milestone.verifiedAt) throw AppError.badInput('id', 'the milestone is already verified');
      const now = this.clock.now();
      Object.assign(milestone, { verifiedAt: now, verifiedBy: actor.id, updatedAt: now });
      const saved = await manager.save(MilestoneEntity, milestone);
      await this.afterChange(manager, actor, saved.organisationId, saved.programmeId,
        [{ organisationId: saved.organisationId, entityType: 'milestone', entityId: saved.id, action: 'verify', before: { verifiedAt: null }, after: { verifiedAt: now, verifiedBy: actor.id } }], now, false);
      return saved;
    });
  }

  async requestExtension(actor: Actor, input: RequestExtensionInput): Promise<ExtensionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const milestone = await this.lockInScope(manager, actor, input.milestoneId);
      if (milestone.state === 'DONE') throw AppError.badInput('milestoneId', 'the milestone is done; there is nothing to extend');
      if (input.requestedTargetAt.getTime() <= milestone.targetAt.getTime()) {
        throw AppError.badInput('requestedTargetAt', `must be later than the current target ${milestone.targetAt.toISOString()}`);
      }
      const open = await manager.findOneBy(ExtensionEntity, { milestoneId: milestone.id, state: 'REQUESTED' });
      if (open) throw new AppError(ErrorCode.CONFLICT, 'milestoneId: an extension request for this milestone is already open', { field: 'milestoneId', extensionId: open.id });
      const now = this.clock.now();
      const extension = await manager.save(manager.create(ExtensionEntity, {
        organisationId: milestone.organisationId, milestoneId: milestone.id, justification: input.justification.trim(),
        requestedTargetAt: input.requestedTargetAt, state: 'REQUESTED', requestedBy: actor.id, requestedAt: now,
        decidedBy: null, decidedAt: null, decisionNote: null, grantedTargetAt: null, expiresAt: null,
      }));
      await this.audit.record(manager, actor, [{ organisationId: extension.organisationId, entityType: 'extension', entityId: extension.id, action: 'request', after: extension }]);
      return extension;
    });
  }

  async grantExtension(actor: Actor, input: GrantExtensionInput): Promise<ExtensionEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may grant an extension');
    return this.dataSource.transaction(async (manager) => {
      const extension = await this.lockExtension(manager, actor, input.id, input.version);
      const milestone = await this.lockInScope(manager, actor, extension.milestoneId);
      const granted = input.grantedTargetAt ?? extension.requestedTargetAt;
      const expires = input.expiresAt ?? granted;
      if (granted.getTime() <= milestone.targetAt.getTime()) throw AppError.badInput('grantedTargetAt', `must be later than the current target ${milestone.targetAt.toISOString()}`);
      if (expires.getTime() < granted.getTime()) throw AppError.badInput('expiresAt', 'must not be before the granted target');
      const now = this.clock.now();
      const before = { ...extension };
      Object.assign(extension, { state: 'GRANTED', decidedBy: actor.id, decidedAt: now, decisionNote: input.note ?? null, grantedTargetAt: granted, expiresAt: expires });
      const saved = await manager.save(ExtensionEntity, extension);
      const previousTarget = milestone.targetAt;
      Object.assign(milestone, { targetAt: granted, updatedAt: now });
      await manager.save(MilestoneEntity, milestone);
      await this.afterChange(manager, actor, milestone.organisationId, milestone.programmeId, [
        { organisationId: saved.organisationId, entityType: 'extension', entityId: saved.id, action: 'grant', ...changedFields(before, { ...saved, version: before.version }) },
        { organisationId: milestone.organisationId, entityType: 'milestone', entityId: milestone.id, action: 'extend', before: { targetAt: previousTarget }, after: { targetAt: granted } },
      ], now, false);
      return saved;
    });
  }

  async denyExtension(actor: Actor, input: DenyExtensionInput): Promise<ExtensionEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may deny an extension');
    return this.dataSource.transaction(async (manager) => {
      const extension = await this.lockExtension(manager, actor, input.id, input.version);
      const now = this.clock.now();
      Object.assign(extension, { state: 'DENIED', decidedBy: actor.id, decidedAt: now, decisionNote: input.note });
      const saved = await manager.save(ExtensionEntity, extension);
      await this.audit.record(manager, actor, [
        { organisationId: saved.organisationId, entityType: 'extension', entityId: saved.id, action: 'deny', before: { state: 'REQUESTED' }, after: { state: 'DENIED', decisionNote: input.note } },
      ]);
      return saved;
    });
  }

  /** Milestones of many organisations in one statement (DataLoader). */
  of(programmeId: string, organisationIds: readonly string[]): Promise<MilestoneEntity[]> {
    return this.dataSource.query(
      `SELECT ${entityColumns(this.dataSource, MilestoneEntity, 'm')} FROM milestone m
       WHERE m.programme_id = $1 AND m.organisation_id = ANY($2::uuid[]) ORDER BY m.track, m.position`,
      [programmeId, organisationIds],
    );
  }

  extensionsOf(organisationIds: readonly string[]): Promise<ExtensionEntity[]> {
    return this.dataSource.query(
      `SELECT ${entityColumns(this.dataSource, ExtensionEntity, 'e')} FROM extension e WHERE e.organisation_id = ANY($1::uuid[]) ORDER BY e.requested_at DESC, e.id`,
      [organisationIds],
    );
  }

  lockInScope(manager: EntityManager, actor: Actor, id: string): Promise<MilestoneEntity> {
    return this.organisations.lockOwned(manager, actor, MilestoneEntity, 'Milestone', id);
  }

  private async lockExtension(manager: EntityManager, actor: Actor, id: string, version: number): Promise<ExtensionEntity> {
    const row = await this.organisations.lockOwned(manager, actor, ExtensionEntity, 'Extension', id);
    if (row.version !== version) throw AppError.conflict('Extension', id, version, row.version);
    if (row.state !== 'REQUESTED') throw AppError.badInput('id', `the extension was already ${row.state.toLowerCase()}`);
    return row;
  }

  async afterChange(manager: EntityManager, actor: Actor, organisationId: string, programmeId: string, changes: AuditChange[], now: Date, isReport = true) {
    if (isReport) await manager.query(`UPDATE organisation SET last_reported_at = $2 WHERE id = $1`, [organisationId, now]);
    await this.audit.record(manager, actor, changes);
    const status = await this.status.refresh(manager, await this.programmes.get(programmeId), [organisationId]);
    await replanReminders(manager, organisationId, status.get(organisationId)?.status);
  }
}
