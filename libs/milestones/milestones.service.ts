import { Injectable } from '@nestjs/common';
import { childRows } from '@libs/data/organisation-rows';
import { DataSource } from 'typeorm';
import { OrganisationChange, UnitOfWork } from '@libs/changes/organisation-change.service';
import { Actor } from '@libs/domain/actor';
import { applyMilestoneReport } from '@libs/domain/milestone-rules';
import { isOrganisationsOwnReport } from '@libs/domain/report-rules';
import { extensionStanding, GrantProblem, grantProblems, judgedTarget } from '@libs/domain/extension-rules';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import { changedFields } from '@libs/audit/audit.service';
import { VersionedIdInput } from '@libs/organisations/dto/organisation.input';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { DenyExtensionInput, ExtensionStatusReportInput, GrantExtensionInput, RequestExtensionInput, UpdateMilestoneInput } from './dto/milestone.input';
import { ExtensionEntity } from '@libs/data/entities/extension.entity';
import { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import { FootprintEntity } from '@libs/data/entities/footprint.entity';
import type { MilestoneState } from '@libs/domain/status/derive-status';

export interface MilestoneChange {
  state?: MilestoneState;
  blockedReason?: string | null;
  evidence?: string | null;
}

const canDecide = (actor: Actor) => actor.role === 'admin' || actor.role === 'liaison' || actor.role === 'system';

/** A refusal of an extension changes nothing: the milestone's history refuses it as CONFLICT, the input as BAD_USER_INPUT, each with its field. */
function refuse(problems: GrantProblem[]): void {
  const conflict = problems.find((p) => p.conflict);
  if (conflict)
    throw new AppError(ErrorCode.CONFLICT, `${conflict.field}: ${conflict.message}`, {
      field: conflict.field,
      fields: [{ field: conflict.field, message: conflict.message }],
    });
  if (problems.length) throw AppError.badInputs(problems.map(({ field, message }) => ({ field, message })));
}

const NO_EXTENSION = { extensionId: null, extensionExpiresAt: null, extensionLapsesTo: null, extensionReportedAt: null };

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
    if (input.targetAt && !canDecide(actor))
      throw new AppError(ErrorCode.FORBIDDEN, 'targetAt: only a liaison or an admin may move a target', { field: 'targetAt' });
    const window = input.maintenanceWindowFootprintId;
    if (window !== undefined && !canDecide(actor)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'maintenanceWindowFootprintId: only a liaison or an admin may move a target', {
        field: 'maintenanceWindowFootprintId',
      });
    }
    if (window && input.targetAt)
      throw AppError.badInput('targetAt', "give a target or a maintenance window to target, not both: a window's target is its end");
    return this.change.run(actor, { owned: 'Milestone', id: input.id }, async (unit) => {
      const milestone = await this.milestone(unit, input.id, input.version);
      const before = { ...milestone };
      this.applyChange(actor, milestone, input, unit.now);
      // a target set by hand is a new plan: it replaces whatever an extension gave (and any window it targeted), and nothing lapses back from it
      if (input.targetAt) Object.assign(milestone, { targetAt: input.targetAt, maintenanceWindowFootprintId: null }, milestone.extensionId ? NO_EXTENSION : {});
      if (window === null) milestone.maintenanceWindowFootprintId = null;
      if (window) {
        const deployment = await this.windowOf(unit, milestone, window, 'maintenanceWindowFootprintId');
        Object.assign(
          milestone,
          { targetAt: deployment.maintenanceWindowEndsAt!, maintenanceWindowFootprintId: deployment.id },
          milestone.extensionId ? NO_EXTENSION : {},
        );
      }
      const saved = await unit.manager.save(MilestoneEntity, milestone);
      unit.record({
        organisationId: saved.organisationId,
        entityType: 'milestone',
        entityId: saved.id,
        action: 'update',
        ...changedFields(before, { ...saved, version: before.version }),
      });
      if (isOrganisationsOwnReport(actor)) unit.reported();
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
      unit.record({
        organisationId: saved.organisationId,
        entityType: 'milestone',
        entityId: saved.id,
        action: 'verify',
        before: { verifiedAt: null },
        after: { verifiedAt: now, verifiedBy: actor.id },
      });
      unit.touch(await this.programmes.get(saved.programmeId));
      return saved;
    });
  }

  async requestExtension(actor: Actor, input: RequestExtensionInput): Promise<ExtensionEntity> {
    return this.change.run(actor, { owned: 'Milestone', id: input.milestoneId }, async (unit) => {
      const { manager } = unit;
      const milestone = await this.milestone(unit, input.milestoneId);
      if (milestone.state === 'DONE') throw AppError.badInput('milestoneId', 'the milestone is done; there is nothing to extend');
      const programme = await this.programmes.get(milestone.programmeId);
      refuse(
        grantProblems(programme.rules.extensions, {
          currentTarget: judgedTarget(milestone, unit.now.getTime()),
          target: input.requestedTargetAt,
          targetField: 'requestedTargetAt',
          now: unit.now,
          grantsSoFar: await this.grantsOf(unit, milestone.id),
          countField: 'milestoneId',
        }),
      );
      // the window it waits for (OT): the requested target must leave it room to close
      const deployment = input.maintenanceWindowFootprintId
        ? await this.windowOf(unit, milestone, input.maintenanceWindowFootprintId, 'maintenanceWindowFootprintId')
        : null;
      if (deployment && input.requestedTargetAt.getTime() < deployment.maintenanceWindowEndsAt!.getTime()) {
        throw AppError.badInput(
          'requestedTargetAt',
          `must not be before the end of the window it waits for, ${deployment.maintenanceWindowEndsAt!.toISOString()}`,
        );
      }
      const open = await manager.findOneBy(ExtensionEntity, { milestoneId: milestone.id, state: 'REQUESTED' });
      if (open)
        throw new AppError(ErrorCode.CONFLICT, 'milestoneId: an extension request for this milestone is already open', {
          field: 'milestoneId',
          extensionId: open.id,
        });
      const extension = await manager.save(
        manager.create(ExtensionEntity, {
          organisationId: milestone.organisationId,
          milestoneId: milestone.id,
          justification: input.justification.trim(),
          requestedTargetAt: input.requestedTargetAt,
          state: 'REQUESTED',
          requestedBy: actor.id,
          requestedAt: unit.now,
          decidedBy: null,
          decidedAt: null,
          decisionNote: null,
          grantedTargetAt: null,
          expiresAt: null,
          maintenanceWindowFootprintId: deployment?.id ?? null,
          windowStartsAt: deployment?.maintenanceWindowStartsAt ?? null,
          windowEndsAt: deployment?.maintenanceWindowEndsAt ?? null,
          windowName: deployment?.maintenanceWindowName ?? null,
        }),
      );
      unit.record({ organisationId: extension.organisationId, entityType: 'extension', entityId: extension.id, action: 'request', after: extension });
      return extension;
    });
  }

  async grantExtension(actor: Actor, input: GrantExtensionInput): Promise<ExtensionEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may grant an extension');
    return this.change.run(actor, { owned: 'Extension', id: input.id }, async (unit) => {
      const extension = await this.openExtension(unit, input.id, input.version);
      const milestone = await this.milestone(unit, extension.milestoneId);
      if (milestone.state === 'DONE')
        throw new AppError(ErrorCode.CONFLICT, 'id: the milestone was reported done since the request; there is nothing to extend', { field: 'id' });
      const programme = await this.programmes.get(milestone.programmeId);
      const now = unit.now;
      const granted = input.grantedTargetAt ?? extension.requestedTargetAt;
      const expires = input.expiresAt ?? granted;
      // a grant extends the target the milestone is judged against now (after a lapse, the one before the extensions)
      const previousTarget = judgedTarget(milestone, now.getTime());
      refuse(
        grantProblems(programme.rules.extensions, {
          currentTarget: previousTarget,
          target: granted,
          targetField: 'grantedTargetAt',
          expiresAt: expires,
          now,
          grantsSoFar: await this.grantsOf(unit, milestone.id),
          countField: 'id',
        }),
      );
      const before = { ...extension };
      Object.assign(extension, {
        state: 'GRANTED',
        decidedBy: actor.id,
        decidedAt: now,
        decisionNote: input.note ?? null,
        grantedTargetAt: granted,
        expiresAt: expires,
        previousTargetAt: previousTarget,
      });
      const saved = await unit.manager.save(ExtensionEntity, extension);
      // a chain of extensions lapses back to the target before the first of them
      const lapsesTo = milestone.extensionLapsesTo ?? milestone.targetAt;
      Object.assign(milestone, {
        targetAt: granted,
        extensionId: saved.id,
        extensionExpiresAt: expires,
        extensionLapsesTo: lapsesTo,
        extensionReportedAt: now,
        updatedAt: now,
      });
      // granted for a window: the milestone waits for that window (the status says so while it is ahead)
      if (
        extension.maintenanceWindowFootprintId &&
        (await unit.manager.existsBy(FootprintEntity, { id: extension.maintenanceWindowFootprintId, organisationId: milestone.organisationId }))
      ) {
        milestone.maintenanceWindowFootprintId = extension.maintenanceWindowFootprintId;
      }
      await unit.manager.save(MilestoneEntity, milestone);
      unit.record(
        {
          organisationId: saved.organisationId,
          entityType: 'extension',
          entityId: saved.id,
          action: 'grant',
          ...changedFields(before, { ...saved, version: before.version }),
        },
        {
          organisationId: milestone.organisationId,
          entityType: 'milestone',
          entityId: milestone.id,
          action: 'extend',
          before: { targetAt: previousTarget },
          after: { targetAt: granted, extensionExpiresAt: expires, extensionLapsesTo: lapsesTo },
        },
      );
      unit.touch(programme);
      return saved;
    });
  }

  async denyExtension(actor: Actor, input: DenyExtensionInput): Promise<ExtensionEntity> {
    if (!canDecide(actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only a liaison or an admin may deny an extension');
    return this.change.run(actor, { owned: 'Extension', id: input.id }, async (unit) => {
      const extension = await this.openExtension(unit, input.id, input.version);
      Object.assign(extension, { state: 'DENIED', decidedBy: actor.id, decidedAt: unit.now, decisionNote: input.note });
      const saved = await unit.manager.save(ExtensionEntity, extension);
      unit.record({
        organisationId: saved.organisationId,
        entityType: 'extension',
        entityId: saved.id,
        action: 'deny',
        before: { state: 'REQUESTED' },
        after: { state: 'DENIED', decisionNote: input.note },
      });
      return saved;
    });
  }

  /**
   * A status report on the extension in force, due every `statusReportEveryDays` while a milestone is
   * extended (the programme's rule): it restarts the clock of the next one. Only the extension in force,
   * and only while it holds; from the organisation itself it is also a report of the organisation.
   */
  async reportExtensionStatus(actor: Actor, input: ExtensionStatusReportInput): Promise<ExtensionEntity> {
    return this.change.run(actor, { owned: 'Extension', id: input.id }, async (unit) => {
      const extension = await unit.manager.findOne(ExtensionEntity, {
        where: { id: input.id, organisationId: unit.organisation.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!extension) throw AppError.notFound('Extension', input.id);
      if (extension.version !== input.version) throw AppError.conflict('Extension', extension.id, input.version, extension.version);
      const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, `id: ${message}`, { field: 'id', fields: [{ field: 'id', message }] });
      if (extension.state !== 'GRANTED') throw conflict(`only a granted extension is reported on (this one is ${extension.state.toLowerCase()})`);
      const milestone = await this.milestone(unit, extension.milestoneId);
      const now = unit.now;
      if (milestone.extensionId !== extension.id)
        throw conflict('a later extension of the milestone is in force, or its target was set again by hand: report on the one in force');
      if (extensionStanding(milestone, now.getTime()) !== 'EXTENDED') throw conflict(`the extension lapsed at ${milestone.extensionExpiresAt!.toISOString()}`);
      const before = { statusReportedAt: extension.statusReportedAt, statusReport: extension.statusReport };
      Object.assign(extension, { statusReportedAt: now, statusReportedBy: actor.id, statusReport: input.report.trim() });
      const saved = await unit.manager.save(ExtensionEntity, extension);
      Object.assign(milestone, { extensionReportedAt: now, updatedAt: now });
      await unit.manager.save(MilestoneEntity, milestone);
      unit.record({
        organisationId: saved.organisationId,
        entityType: 'extension',
        entityId: saved.id,
        action: 'status-report',
        before,
        after: { statusReportedAt: now, statusReport: saved.statusReport },
      });
      if (isOrganisationsOwnReport(actor)) unit.reported();
      unit.touch(await this.programmes.get(milestone.programmeId));
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

  /** An OT deployment of the milestone's organisation and programme with a maintenance window, for an OT milestone. */
  private async windowOf(unit: UnitOfWork, milestone: MilestoneEntity, footprintId: string, field: string): Promise<FootprintEntity> {
    if (milestone.track !== 'OT')
      throw AppError.badInput(field, `only an OT milestone waits for a maintenance window (${milestone.key} is on the ${milestone.track} track)`);
    const deployment = await unit.manager.findOneBy(FootprintEntity, {
      id: footprintId,
      organisationId: milestone.organisationId,
      programmeId: milestone.programmeId,
    });
    if (!deployment) throw AppError.notFound('Footprint', footprintId);
    if (deployment.environment !== 'OT') throw AppError.badInput(field, 'is not an OT deployment');
    if (!deployment.maintenanceWindowStartsAt || !deployment.maintenanceWindowEndsAt)
      throw AppError.badInput(field, 'the deployment has no maintenance window: record its next window first (updateFootprint)');
    return deployment;
  }

  private async grantsOf(unit: UnitOfWork, milestoneId: string): Promise<number> {
    const [{ n }] = await unit.manager.query(`SELECT count(*)::int AS n FROM extension WHERE milestone_id = $1 AND state = 'GRANTED'`, [milestoneId]);
    return n;
  }

  private async openExtension(unit: UnitOfWork, id: string, version: number): Promise<ExtensionEntity> {
    const row = await unit.manager.findOne(ExtensionEntity, { where: { id, organisationId: unit.organisation.id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw AppError.notFound('Extension', id);
    if (row.version !== version) throw AppError.conflict('Extension', id, version, row.version);
    if (row.state !== 'REQUESTED') throw AppError.badInput('id', `the extension was already ${row.state.toLowerCase()}`);
    return row;
  }
}
