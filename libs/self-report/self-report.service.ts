import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Actor } from '../domain/actor';
import { AuditChange, AuditService, changedFields } from '../audit/audit.service';
import { Clock } from '../core/clock/clock';
import { AppError, FieldProblem } from '../core/errors/app-error';
import { FootprintEntity } from '../data/entities/footprint.entity';
import { FootprintService } from '../footprint/footprint.service';
import { MilestoneEntity } from '../data/entities/milestone.entity';
import { MilestonesService } from '../milestones/milestones.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { OrganisationEntity } from '../data/entities/organisation.entity';
import { ProgrammesService } from '../programmes/programmes.service';
import { StatusService } from '../status/status.service';
import { replanReminders } from '../data/outbox.repository';
import { SelfReportInput } from './dto/self-report.input';

export interface SelfReportResult {
  organisation: OrganisationEntity;
  footprint: FootprintEntity[];
  milestones: MilestoneEntity[];
}

/** An organisation's report of its counts and milestone states, applied in one transaction or not at all. */
@Injectable()
export class SelfReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly organisations: OrganisationsService,
    private readonly footprintService: FootprintService,
    private readonly milestonesService: MilestonesService,
    private readonly programmes: ProgrammesService,
    private readonly status: StatusService,
  ) {}

  async submit(actor: Actor, request: SelfReportInput): Promise<SelfReportResult> {
    const input = { organisationId: request.organisationId, footprint: request.footprint ?? [], milestones: request.milestones ?? [] };
    if (input.footprint.length === 0 && input.milestones.length === 0) throw AppError.badInput('footprint', 'a report needs at least one footprint row or milestone');
    const duplicated = (ids: string[]) => ids.find((id, i) => ids.indexOf(id) !== i);
    const dupF = duplicated(input.footprint.map((f) => f.id));
    const dupM = duplicated(input.milestones.map((m) => m.id));
    if (dupF) throw AppError.badInput('footprint', `row ${dupF} appears twice`);
    if (dupM) throw AppError.badInput('milestones', `milestone ${dupM} appears twice`);

    return this.dataSource.transaction(async (manager) => {
      const organisation = await this.organisations.get(actor, input.organisationId, manager, true);
      const now = this.clock.now();
      const footprint = input.footprint.length
        ? await manager.find(FootprintEntity, { where: { id: In(input.footprint.map((f) => f.id)), organisationId: organisation.id }, lock: { mode: 'pessimistic_write' } })
        : [];
      const milestones = input.milestones.length
        ? await manager.find(MilestoneEntity, { where: { id: In(input.milestones.map((m) => m.id)), organisationId: organisation.id }, lock: { mode: 'pessimistic_write' } })
        : [];
      const problems: FieldProblem[] = [];
      const changes: AuditChange[] = [];
      const footprintById = new Map(footprint.map((f) => [f.id, f]));
      const milestoneById = new Map(milestones.map((m) => [m.id, m]));
      const updatedFootprint: FootprintEntity[] = [];
      for (const [i, report] of input.footprint.entries()) {
        const row = footprintById.get(report.id);
        if (!row) throw AppError.notFound('Footprint', report.id);
        if (row.version !== report.version) throw AppError.conflict('Footprint', row.id, report.version, row.version);
        const before = { ...row };
        Object.assign(row, {
          endpointsRemaining: report.endpointsRemaining,
          endpointCount: report.endpointCount ?? row.endpointCount,
          replacementProduct: report.replacementProduct ?? row.replacementProduct,
          replacementChosenByOrganisation: report.replacementChosenByOrganisation ?? row.replacementChosenByOrganisation,
          updatedAt: now,
        });
        problems.push(...(await this.footprintService.validate(row, `footprint[${i}].`)));
        changes.push({ organisationId: organisation.id, entityType: 'footprint', entityId: row.id, action: 'self-report', ...changedFields(before, row) });
        updatedFootprint.push(row);
      }
      const updatedMilestones: MilestoneEntity[] = [];
      for (const [i, report] of input.milestones.entries()) {
        const row = milestoneById.get(report.id);
        if (!row) throw AppError.notFound('Milestone', report.id);
        if (row.version !== report.version) throw AppError.conflict('Milestone', row.id, report.version, row.version);
        const before = { ...row };
        try {
          this.milestonesService.applyChange(actor, row, report, now, `milestones[${i}].`);
        } catch (error) {
          if (error instanceof AppError && error.details.fields) problems.push(...error.details.fields);
          else throw error;
        }
        changes.push({ organisationId: organisation.id, entityType: 'milestone', entityId: row.id, action: 'self-report', ...changedFields(before, row) });
        updatedMilestones.push(row);
      }
      if (problems.length) throw AppError.badInputs(problems);

      const savedFootprint = updatedFootprint.length ? await manager.save(FootprintEntity, updatedFootprint) : [];
      const savedMilestones = updatedMilestones.length ? await manager.save(MilestoneEntity, updatedMilestones) : [];
      organisation.lastReportedAt = now;
      await manager.query(`UPDATE organisation SET last_reported_at = $2 WHERE id = $1`, [organisation.id, now]);
      await this.audit.record(manager, actor, changes);
      const programmeIds = new Set([...savedFootprint.map((f) => f.programmeId), ...savedMilestones.map((m) => m.programmeId)]);
      for (const programmeId of programmeIds) {
        const status = await this.status.refresh(manager, await this.programmes.get(programmeId), [organisation.id]);
        await replanReminders(manager, organisation.id, status.get(organisation.id)?.status);
      }
      return { organisation, footprint: savedFootprint, milestones: savedMilestones };
    });
  }
}
