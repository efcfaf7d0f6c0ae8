import type { EntityManager } from 'typeorm';
import type { CombinedWrite } from '@libs/core/database/combined-write';
import { entityFromJson, entityJson } from '@libs/core/database/entity-columns';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';
import type { Actor } from '@libs/domain/actor';
import { FootprintEntity } from './entities/footprint.entity';
import { MilestoneEntity } from './entities/milestone.entity';
import type { OrganisationEntity } from './entities/organisation.entity';
import { OrganisationRepository } from './organisation.repository';

export interface OrganisationWithRows {
  organisation: OrganisationEntity;
  footprint: FootprintEntity[];
  milestones: MilestoneEntity[];
}

/**
 * What a report reads and writes, in as few statements as its size allows none to depend on: the
 * organisation locked in the caller's scope together with all its footprint rows and milestones (what
 * the report changes and what its status is derived from), and then every changed row in one statement.
 */
export const ReportRepository = {
  async lockWithRows(manager: EntityManager, actor: Actor, organisationId: string): Promise<OrganisationWithRows> {
    const organisation = await OrganisationRepository.getInScope(manager, actor, organisationId, true);
    // read after the lock, in a statement of its own: its snapshot sees every change committed while
    // the lock was awaited (the lock's own statement would see the rows as they were before the wait)
    const ds = manager.connection;
    const [rows] = await manager.query(
      `SELECT (SELECT coalesce(json_agg(${entityJson(ds, FootprintEntity, 'f')} ORDER BY f.created_at, f.id), '[]') FROM footprint f WHERE f.organisation_id = $1) AS footprint_rows,
              (SELECT coalesce(json_agg(${entityJson(ds, MilestoneEntity, 'm')} ORDER BY m.track, m.position), '[]') FROM milestone m WHERE m.organisation_id = $1) AS milestone_rows`,
      [organisation.id],
    );
    return {
      organisation,
      footprint: (rows.footprint_rows as unknown[][]).map((r) => entityFromJson<FootprintEntity>(ds, FootprintEntity, r)),
      milestones: (rows.milestone_rows as unknown[][]).map((r) => entityFromJson<MilestoneEntity>(ds, MilestoneEntity, r)),
    };
  },

  /**
   * Adds to the change's one write the reported footprint rows and milestones and the organisation's
   * report time, each row only at the version it was read at. Answers the check to run on the write's
   * counts: a row changed since it was read answers CONFLICT (and the transaction rolls back); else the
   * rows' versions move on by one, in memory too. `ownReport`: the organisation said it (its report time moves).
   */
  write(
    write: CombinedWrite,
    organisationId: string,
    footprint: FootprintEntity[],
    milestones: MilestoneEntity[],
    now: Date,
    ownReport: boolean,
  ): (counts: Record<string, number>) => void {
    const f = footprint.map((r) => ({
      id: r.id,
      v: r.version,
      ec: r.endpointCount,
      er: r.endpointsRemaining,
      rp: r.replacementProduct,
      rc: r.replacementChosenByOrganisation,
    }));
    const m = milestones.map((r) => ({
      id: r.id,
      v: r.version,
      st: r.state,
      br: r.blockedReason,
      ev: r.evidence,
      rb: r.reportedBy,
      vb: r.verifiedBy,
      va: r.verifiedAt,
    }));
    const [nf, nm] = [write.unique('reported_footprint'), write.unique('reported_milestones')];
    if (f.length) {
      write.add(
        nf,
        `UPDATE footprint x SET endpoint_count = t.ec, endpoints_remaining = t.er, replacement_product = t.rp, replacement_chosen_by_organisation = t.rc,
           updated_at = $2, version = x.version + 1
         FROM json_to_recordset($1::json) AS t(id uuid, v int, ec int, er int, rp text, rc boolean)
         WHERE x.id = t.id AND x.version = t.v RETURNING 1`,
        [JSON.stringify(f), now],
      );
    }
    if (m.length) {
      write.add(
        nm,
        `UPDATE milestone x SET state = t.st, blocked_reason = t.br, evidence = t.ev, reported_by = t.rb, reported_at = $2, verified_by = t.vb, verified_at = t.va,
           updated_at = $2, version = x.version + 1
         FROM json_to_recordset($1::json) AS t(id uuid, v int, st text, br text, ev text, rb text, vb text, va timestamptz)
         WHERE x.id = t.id AND x.version = t.v RETURNING 1`,
        [JSON.stringify(m), now],
      );
    }
    if (ownReport) OrganisationRepository.markReported(write, [organisationId], now);
    return (counts) => {
      if ((counts[nf] ?? 0) !== f.length || (counts[nm] ?? 0) !== m.length) {
        throw new AppError(ErrorCode.CONFLICT, 'a row of the report was changed by someone else while it was written: reload and retry', {
          entity: (counts[nf] ?? 0) !== f.length ? 'Footprint' : 'Milestone',
        });
      }
      for (const r of [...footprint, ...milestones]) {
        r.version += 1;
        r.updatedAt = now;
      }
    };
  },
};
