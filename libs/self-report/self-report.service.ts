import { isOrganisationsOwnReport } from '@libs/domain/report-rules';
import { Injectable } from '@nestjs/common';
import { changedFields } from '@libs/audit/audit.service';
import { OrganisationChange } from '@libs/changes/organisation-change.service';
import { AppError, FieldProblem } from '@libs/core/errors/app-error';
import type { FootprintEntity } from '@libs/data/entities/footprint.entity';
import type { MilestoneEntity } from '@libs/data/entities/milestone.entity';
import type { OrganisationEntity } from '@libs/data/entities/organisation.entity';
import { ReportRepository } from '@libs/data/report.repository';
import type { Actor } from '@libs/domain/actor';
import { applyMilestoneReport } from '@libs/domain/milestone-rules';
import { FootprintService } from '@libs/footprint/footprint.service';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { factsFromRows } from '@libs/status/status.service';
import { SelfReportInput } from './dto/self-report.input';

export interface SelfReportResult {
  organisation: OrganisationEntity;
  footprint: FootprintEntity[];
  milestones: MilestoneEntity[];
}

/**
 * An organisation's report of its counts and milestone states, applied in one transaction or not at all.
 * Its cost does not grow with the organisation: after the lock one statement reads every row the
 * report changes and its status is derived from, one writes the changed rows with the report time, and
 * the change path adds the audit and the status with its replan.
 */
@Injectable()
export class SelfReportService {
  constructor(
    private readonly change: OrganisationChange,
    private readonly footprintService: FootprintService,
    private readonly programmes: ProgrammesService,
  ) {}

  async submit(actor: Actor, request: SelfReportInput): Promise<SelfReportResult> {
    const input = { organisationId: request.organisationId, footprint: request.footprint ?? [], milestones: request.milestones ?? [] };
    if (input.footprint.length === 0 && input.milestones.length === 0)
      throw AppError.badInput('footprint', 'a report needs at least one footprint row or milestone');
    const duplicated = (ids: string[]) => ids.find((id, i) => ids.indexOf(id) !== i);
    const dupF = duplicated(input.footprint.map((f) => f.id));
    const dupM = duplicated(input.milestones.map((m) => m.id));
    if (dupF) throw AppError.badInput('footprint', `row ${dupF} appears twice`);
    if (dupM) throw AppError.badInput('milestones', `milestone ${dupM} appears twice`);

    return this.change.run(actor, { organisationId: input.organisationId, withRows: true }, async (unit) => {
      const { organisation, now } = unit;
      const rows = unit.rows!;
      const footprintById = new Map(rows.footprint.map((f) => [f.id, f]));
      const milestoneById = new Map(rows.milestones.map((m) => [m.id, m]));
      const problems: FieldProblem[] = [];
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
        problems.push(...(await this.footprintService.validate(row, row.programmeId, `footprint[${i}].`)));
        unit.record({ organisationId: organisation.id, entityType: 'footprint', entityId: row.id, action: 'self-report', ...changedFields(before, row) });
        updatedFootprint.push(row);
      }
      const updatedMilestones: MilestoneEntity[] = [];
      for (const [i, report] of input.milestones.entries()) {
        const row = milestoneById.get(report.id);
        if (!row) throw AppError.notFound('Milestone', report.id);
        if (row.version !== report.version) throw AppError.conflict('Milestone', row.id, report.version, row.version);
        const before = { ...row };
        const problem = applyMilestoneReport(row, report, actor.id, now);
        if (problem) problems.push({ field: `milestones[${i}].${problem.field}`, message: problem.message });
        unit.record({ organisationId: organisation.id, entityType: 'milestone', entityId: row.id, action: 'self-report', ...changedFields(before, row) });
        updatedMilestones.push(row);
      }
      if (problems.length) throw AppError.badInputs(problems);

      // from a liaison or an admin the same counts are an edit, not the organisation's report
      const own = isOrganisationsOwnReport(actor);
      unit.afterWrite(ReportRepository.write(unit.write, organisation.id, updatedFootprint, updatedMilestones, now, own));
      if (own) {
        unit.reported({ written: true });
        organisation.lastReportedAt = now;
      }
      const programmeIds = new Set([...updatedFootprint.map((f) => f.programmeId), ...updatedMilestones.map((m) => m.programmeId)]);
      for (const programmeId of programmeIds) {
        unit.touch(
          await this.programmes.get(programmeId),
          factsFromRows(
            organisation,
            rows.footprint.filter((f) => f.programmeId === programmeId),
            rows.milestones.filter((m) => m.programmeId === programmeId),
          ),
        );
      }
      return { organisation, footprint: updatedFootprint, milestones: updatedMilestones };
    });
  }
}
