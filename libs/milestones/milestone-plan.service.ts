import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ProgrammeEntity } from '../programmes/programme.entity';
import { MilestoneEntity, Track } from './milestone.entity';

const DAY = 86_400_000;

/** Turns the programme's milestone plan into an organisation's milestones on one track. */
@Injectable()
export class MilestonePlanService {
  /** Idempotent: a track that already exists is left as it is. */
  async instantiate(manager: EntityManager, programme: ProgrammeEntity, organisationId: string, track: Track, now: Date): Promise<MilestoneEntity[]> {
    const cutoff = new Date(programme.updatesCutoff).getTime();
    const rows = programme.milestonePlan.map((step, position) => {
      const target = new Date(cutoff + (track === 'OT' ? step.otOffsetDays : step.itOffsetDays) * DAY);
      return manager.create(MilestoneEntity, {
        organisationId, programmeId: programme.id, key: step.key, track, name: step.name, position,
        originalTargetAt: target, targetAt: target, state: 'NOT_STARTED', blockedReason: null, evidence: null,
        reportedBy: null, reportedAt: null, verifiedBy: null, verifiedAt: null, createdAt: now, updatedAt: now, version: 1,
      });
    });
    const result = await manager.createQueryBuilder().insert().into(MilestoneEntity).values(rows).orIgnore().returning(['id', 'key']).execute();
    const idByKey = new Map((result.raw as Array<{ id: string; key: string }>).map((r) => [r.key, r.id]));
    return rows.filter((r) => idByKey.has(r.key)).map((r) => Object.assign(r, { id: idByKey.get(r.key)! }));
  }
}
