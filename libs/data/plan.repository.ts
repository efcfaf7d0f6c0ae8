import type { EntityManager } from 'typeorm';

/**
 * A mark for re-planning, as an upsert of organisation_plan (migration 0061) over rows that `source`
 * selects as (organisation_id, programme_id): due at the next pass, at a version a pass that read the
 * organisation before does not have. An organisation without a row is due already, at version 0.
 */
export const markForReplanSql = (source: string) =>
  `INSERT INTO organisation_plan (organisation_id, programme_id, plan_due_at, plan_version)
   SELECT organisation_id, programme_id, NULL, 1 FROM (${source}) AS marked
   ON CONFLICT (organisation_id, programme_id) DO UPDATE SET plan_due_at = NULL, plan_version = organisation_plan.plan_version + 1`;

/**
 * When the reminder planner looks at each organisation of a programme again (organisation_plan,
 * migrations 0027 and 0061): nothing about it changes, but an instant of its own comes
 * (libs/domain/reminders/next-plan.ts); or now, when a change marked it. A table of its own, so that a
 * pass's marks are no updates of the status rollup and its dashboard triggers.
 */
export const PlanRepository = {
  /**
   * A page of a programme's organisations whose plan is due at `at`: marked by a change (or never
   * planned), their instant come, or planned at a later instant than `at` by more than a day (the clock
   * of a drill moved back). With the plan version each was read at.
   */
  async duePage(
    manager: EntityManager,
    programmeId: string,
    at: Date,
    after: string,
    limit: number,
  ): Promise<{ rows: Array<{ id: string; version: number }>; last: string | null }> {
    const rows: Array<{ id: string; version: number }> = await manager.query(
      `SELECT s.organisation_id AS id, coalesce(p.plan_version, 0) AS version
       FROM organisation_status s LEFT JOIN organisation_plan p ON p.organisation_id = s.organisation_id AND p.programme_id = s.programme_id
       WHERE s.programme_id = $1 AND s.organisation_id > $2
         AND (p.plan_due_at IS NULL OR p.plan_due_at <= $3::timestamptz OR p.plan_due_at > $3::timestamptz + interval '1 day')
       ORDER BY s.organisation_id LIMIT $4`,
      [programmeId, after, at, limit],
    );
    return { rows, last: rows.length < limit ? null : rows[rows.length - 1].id };
  },

  /**
   * When each organisation's plan is due next; not for one changed since the pass read it (its version
   * moved on), nor for one deleted since (its status is gone: a deletion that commits while this runs
   * fails it with 23503, and the caller writes it again).
   */
  async planned(manager: EntityManager, programmeId: string, marks: { ids: string[]; versions: number[]; at: Date[] }): Promise<void> {
    if (marks.ids.length === 0) return;
    await manager.query(
      `INSERT INTO organisation_plan (organisation_id, programme_id, plan_due_at, plan_version)
       SELECT x.id, $1::uuid, x.at, x.version FROM unnest($2::uuid[], $3::int[], $4::timestamptz[]) AS x(id, version, at)
       WHERE EXISTS (SELECT 1 FROM organisation_status s WHERE s.organisation_id = x.id AND s.programme_id = $1)
       ON CONFLICT (organisation_id, programme_id) DO UPDATE SET plan_due_at = EXCLUDED.plan_due_at
         WHERE organisation_plan.plan_version = EXCLUDED.plan_version`,
      [programmeId, marks.ids, marks.versions, marks.at],
    );
  },

  /** Every organisation of a programme (or of every programme) is planned again at the next pass: its ladder or rules, or who hears digests, changed. */
  async planAllAgain(manager: EntityManager, programmeId: string | null): Promise<void> {
    await manager.query(markForReplanSql(`SELECT organisation_id, programme_id FROM organisation_status WHERE $1::uuid IS NULL OR programme_id = $1`), [programmeId]);
  },
};
