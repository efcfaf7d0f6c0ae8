import type { EntityManager } from 'typeorm';

/**
 * A mark for re-planning, as an upsert of organisation_plan (migration 0061) over rows that `source`
 * selects as (organisation_id, programme_id): due at the next pass, at a version a pass that read the
 * organisation before does not have. (Every status row has a plan row from its insert on; the insert
 * here is for a status row inserted by the same statement.)
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
   * A programme's organisations whose plan is due at `at`, in id order: marked by a change (or new), their
   * instant come, or planned at a later instant than `at` by more than a day (the clock of a drill moved
   * back). With the plan version each was read at. One statement for a whole pass: pages of it would each
   * scan the table, as its statistics rarely expect many due.
   */
  async due(manager: EntityManager, programmeId: string, at: Date): Promise<{ ids: string[]; versions: number[] }> {
    const [row]: Array<{ ids: string[]; versions: number[] }> = await manager.query(
      `SELECT coalesce(array_agg(organisation_id ORDER BY organisation_id), '{}') AS ids, coalesce(array_agg(plan_version ORDER BY organisation_id), '{}') AS versions
       FROM organisation_plan
       WHERE programme_id = $1 AND (plan_due_at IS NULL OR plan_due_at <= $2::timestamptz OR plan_due_at > $2::timestamptz + interval '1 day')`,
      [programmeId, at],
    );
    return row;
  },

  /** When each organisation's plan is due next; not for one changed since the pass read it (its version moved on), nor one deleted since. */
  async planned(manager: EntityManager, programmeId: string, marks: { ids: string[]; versions: number[]; at: Date[] }): Promise<void> {
    if (marks.ids.length === 0) return;
    await manager.query(
      `UPDATE organisation_plan p SET plan_due_at = x.at
       FROM unnest($2::uuid[], $3::int[], $4::timestamptz[]) AS x(id, version, at)
       WHERE p.organisation_id = x.id AND p.programme_id = $1 AND p.plan_version = x.version`,
      [programmeId, marks.ids, marks.versions, marks.at],
    );
  },

  /** Every organisation of a programme (or of every programme) is planned again at the next pass: its ladder or rules, or who hears digests, changed. */
  async planAllAgain(manager: EntityManager, programmeId: string | null): Promise<void> {
    await manager.query(markForReplanSql(`SELECT organisation_id, programme_id FROM organisation_status WHERE $1::uuid IS NULL OR programme_id = $1`), [
      programmeId,
    ]);
  },
};
