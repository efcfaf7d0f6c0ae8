import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ProgrammeEntity } from './entities/programme.entity';
import { MilestoneEntity, Track } from './entities/milestone.entity';

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
        organisationId,
        programmeId: programme.id,
        key: step.key,
        track,
        name: step.name,
        position,
        originalTargetAt: target,
        targetAt: target,
        state: 'NOT_STARTED',
        blockedReason: null,
        evidence: null,
        reportedBy: null,
        reportedAt: null,
        verifiedBy: null,
        verifiedAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
    });
    const result = await manager.createQueryBuilder().insert().into(MilestoneEntity).values(rows).orIgnore().returning(['id', 'key']).execute();
    const idByKey = new Map((result.raw as Array<{ id: string; key: string }>).map((r) => [r.key, r.id]));
    return rows.filter((r) => idByKey.has(r.key)).map((r) => Object.assign(r, { id: idByKey.get(r.key)! }));
  }

  /** Of these organisations, those that have no milestone in the programme yet: they join it now. */
  async notYetIn(manager: EntityManager, programme: ProgrammeEntity, organisationIds: readonly string[]): Promise<string[]> {
    if (organisationIds.length === 0) return [];
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT k.id FROM unnest($1::uuid[]) AS k(id) WHERE NOT EXISTS (SELECT 1 FROM milestone m WHERE m.organisation_id = k.id AND m.programme_id = $2)`,
      [organisationIds, programme.id],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The same for many organisations in one statement (imports): returns how many milestones were new.
   * `created`: the organisations were created in the caller's transaction, so none has a track yet and
   * the rows are simply inserted (the unique key still refuses a duplicate) rather than merged.
   */
  async instantiateMany(
    manager: EntityManager,
    programme: ProgrammeEntity,
    organisationIds: string[],
    track: Track,
    now: Date,
    options: { created?: boolean } = {},
  ): Promise<number> {
    if (organisationIds.length === 0) return 0;
    const cutoff = new Date(programme.updatesCutoff).getTime();
    const plan = programme.milestonePlan;
    const targets = plan.map((s) => new Date(cutoff + (track === 'OT' ? s.otOffsetDays : s.itOffsetDays) * DAY));
    const insert = `INSERT INTO milestone (organisation_id, programme_id, key, track, name, position, original_target_at, target_at, created_at, updated_at)
       SELECT o.id, $2, p.key, $3, p.name, p.position, p.target, p.target, $4, $4
       FROM unnest($1::uuid[]) AS o(id)
       CROSS JOIN unnest($5::text[], $6::text[], $7::smallint[], $8::timestamptz[]) AS p(key, name, position, target)`;
    const params = [organisationIds, programme.id, track, now, plan.map((s) => s.key), plan.map((s) => s.name), plan.map((_, i) => i), targets];
    if (options.created) {
      await manager.query(insert, params);
      return organisationIds.length * plan.length;
    }
    const [{ count }] = await manager.query(
      `WITH inserted AS (${insert} ON CONFLICT (organisation_id, programme_id, track, key) DO NOTHING RETURNING 1) SELECT count(*)::int AS count FROM inserted`,
      params,
    );
    return count;
  }
}
