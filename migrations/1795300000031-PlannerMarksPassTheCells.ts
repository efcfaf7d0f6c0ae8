import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The planner's marks (`plan_due_at`, migration 0027) change nothing a dashboard counts, yet each of
 * its updates of `organisation_status` went through the cells' statement trigger (migration 0028),
 * which pairs every old and new row to find that out: 432 ms for 5,000 marks against 174 ms without
 * it at 200,000 organisations, ~10 s of a pass at a stage boundary. The planner's mark statement now
 * says so for its own transaction (`tracker.plan_marks_only`, set by the statement itself and gone at
 * its commit: StatusRepository.planned), and the trigger is skipped for it. Every other update of a
 * status row is counted as before; `dashboard_cell_differences()` stays empty after the planner runs
 * (test/dashboard-cells.e2e-spec.ts).
 */
export class PlannerMarksPassTheCells1795300000031 implements MigrationInterface {
  name = 'PlannerMarksPassTheCells1795300000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER dashboard_cells_status_updated ON organisation_status;
      CREATE TRIGGER dashboard_cells_status_updated AFTER UPDATE ON organisation_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT WHEN (coalesce(current_setting('tracker.plan_marks_only', true), '') <> 'on')
        EXECUTE FUNCTION dashboard_cells_status_updated();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER dashboard_cells_status_updated ON organisation_status;
      CREATE TRIGGER dashboard_cells_status_updated AFTER UPDATE ON organisation_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_status_updated();
    `);
  }
}
