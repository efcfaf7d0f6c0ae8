import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS_UPDATED_TRIGGERS = [
  ['dashboard_cells_status_updated', 'dashboard_cells_status_updated()'],
  ['dashboard_product_cells_status_updated', 'dashboard_product_cells_status_updated()'],
];

/**
 * The planner's marks (migration 0027: when an organisation's plan is due next, and a version a change
 * counts up) move from `organisation_status` to a table of their own. As columns of the rollup, every
 * mark was an update of `organisation_status` and went through its statement triggers (the dashboard
 * cells', migrations 0028 and 0040): migration 0031 let them skip the trigger functions, but PostgreSQL
 * still collected each statement's old and new rows for the transition tables, and wrote a new version
 * of each wide rollup row. A pass at a stage boundary marks every organisation. Now the marks are upserts
 * of `organisation_plan`, which no trigger watches, and the cells' triggers lose the exception 0031 gave
 * them.
 *
 * Every status row has a row here: copied now, and made with each new status row by a statement trigger
 * (due at the next pass, at version 0), so that a pass reads its due organisations from this narrow
 * table alone, in key order, and never the wide status rows. A row names its status row and is deleted
 * with it (the organisation's deletion, TRUNCATE organisation); only a row's insert checks that, never
 * the updates of a pass. Pages are left half empty so that those updates stay on their page (HOT), as
 * migration 0022 did for organisations.
 */
export class PlannerMarksInATableOfTheirOwn1795300000061 implements MigrationInterface {
  name = 'PlannerMarksInATableOfTheirOwn1795300000061';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation_plan (
        organisation_id uuid NOT NULL,
        programme_id uuid NOT NULL,
        plan_due_at timestamptz,
        plan_version integer NOT NULL DEFAULT 0,
        PRIMARY KEY (organisation_id, programme_id),
        FOREIGN KEY (organisation_id, programme_id) REFERENCES organisation_status (organisation_id, programme_id) ON DELETE CASCADE
      ) WITH (fillfactor = 50);
      INSERT INTO organisation_plan (organisation_id, programme_id, plan_due_at, plan_version)
        SELECT organisation_id, programme_id, plan_due_at, plan_version FROM organisation_status ORDER BY organisation_id, programme_id;
      CREATE FUNCTION organisation_plan_for_new_status() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        INSERT INTO organisation_plan (organisation_id, programme_id) SELECT organisation_id, programme_id FROM new_rows ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE TRIGGER organisation_plan_for_new_status AFTER INSERT ON organisation_status REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION organisation_plan_for_new_status();
      ${STATUS_UPDATED_TRIGGERS.map(
        ([name, fn]) => `DROP TRIGGER ${name} ON organisation_status;
      CREATE TRIGGER ${name} AFTER UPDATE ON organisation_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn};`,
      ).join('\n      ')}
      ALTER TABLE organisation_status DROP COLUMN plan_due_at, DROP COLUMN plan_version;
      ANALYZE organisation_plan;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organisation_status ADD COLUMN plan_due_at timestamptz, ADD COLUMN plan_version integer NOT NULL DEFAULT 0;
      ${STATUS_UPDATED_TRIGGERS.map(
        ([name, fn]) => `DROP TRIGGER ${name} ON organisation_status;
      CREATE TRIGGER ${name} AFTER UPDATE ON organisation_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT WHEN (coalesce(current_setting('tracker.plan_marks_only', true), '') <> 'on')
        EXECUTE FUNCTION ${fn};`,
      ).join('\n      ')}
      -- nothing a dashboard counts changes: the cells' triggers pass these updates by, as 0031 let them
      SELECT set_config('tracker.plan_marks_only', 'on', true);
      UPDATE organisation_status s SET plan_due_at = p.plan_due_at, plan_version = p.plan_version
        FROM organisation_plan p WHERE p.organisation_id = s.organisation_id AND p.programme_id = s.programme_id;
      SELECT set_config('tracker.plan_marks_only', '', true);
      DROP TRIGGER organisation_plan_for_new_status ON organisation_status;
      DROP FUNCTION organisation_plan_for_new_status();
      DROP TABLE organisation_plan;
    `);
  }
}
