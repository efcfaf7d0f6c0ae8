import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The planner passes over only the organisations that need it: `plan_due_at` is when an organisation's
 * plan must be looked at again though nothing about it changes (libs/domain/reminders/next-plan.ts);
 * NULL means at the next pass, which every change through the change path sets, with `plan_version`
 * counted up so that a pass that read the organisation before the change does not put it back to sleep.
 * Neither column is indexed: a pass reads the programme's rows in key order, and the planner's own
 * updates stay HOT.
 */
export class PlannerWorksIncrementally1795300000027 implements MigrationInterface {
  name = 'PlannerWorksIncrementally1795300000027';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organisation_status
        ADD COLUMN plan_due_at timestamptz,
        ADD COLUMN plan_version integer NOT NULL DEFAULT 0;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisation_status DROP COLUMN plan_due_at, DROP COLUMN plan_version`);
  }
}
