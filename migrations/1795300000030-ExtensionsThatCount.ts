import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Extensions that count (libs/domain/extension-rules.ts). The milestone carries the extension in force:
 * when it lapses, the target it lapses back to, and when it was granted or last reported on (the next
 * status report is due the programme's statusReportEveryDays later). Every rule reads these with the
 * milestone, without a join. The extension keeps the target it extended and its last status report.
 *
 * Grants made before: the latest granted extension of each milestone is the one in force, lapsing back
 * to the milestone's planned target (the target before it was not recorded on the row), its report
 * clock started at its decision. The seeded programme gets the FCC's shape of rules once: one grant at
 * most six months (183 days), two grants per milestone, a status report every 90 days.
 */
export class ExtensionsThatCount1795300000030 implements MigrationInterface {
  name = 'ExtensionsThatCount1795300000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE milestone
        ADD COLUMN extension_id uuid REFERENCES extension (id) ON DELETE SET NULL,
        ADD COLUMN extension_expires_at timestamptz,
        ADD COLUMN extension_lapses_to timestamptz,
        ADD COLUMN extension_reported_at timestamptz,
        ADD CONSTRAINT milestone_extension_complete CHECK ((extension_id IS NULL) = (extension_expires_at IS NULL AND extension_lapses_to IS NULL AND extension_reported_at IS NULL));
      ALTER TABLE extension
        ADD COLUMN previous_target_at timestamptz,
        ADD COLUMN status_reported_at timestamptz,
        ADD COLUMN status_reported_by text,
        ADD COLUMN status_report text;
      CREATE INDEX extension_milestone_idx ON extension (milestone_id);
      UPDATE milestone m SET extension_id = e.id, extension_expires_at = e.expires_at, extension_lapses_to = m.original_target_at, extension_reported_at = e.decided_at
      FROM (SELECT DISTINCT ON (milestone_id) id, milestone_id, expires_at, decided_at FROM extension WHERE state = 'GRANTED' ORDER BY milestone_id, decided_at DESC, id DESC) e
      WHERE e.milestone_id = m.id;
      UPDATE programme SET rules = rules || '{"extensions": {"maxGrantDays": 183, "maxGrantsPerMilestone": 2, "statusReportEveryDays": 90}}'::jsonb
      WHERE key = 'kaspersky-2024' AND rules IS NOT NULL AND NOT rules ? 'extensions';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE programme SET rules = rules - 'extensions' WHERE key = 'kaspersky-2024' AND rules IS NOT NULL;
      DROP INDEX extension_milestone_idx;
      ALTER TABLE extension DROP COLUMN previous_target_at, DROP COLUMN status_reported_at, DROP COLUMN status_reported_by, DROP COLUMN status_report;
      ALTER TABLE milestone DROP CONSTRAINT milestone_extension_complete, DROP COLUMN extension_id, DROP COLUMN extension_expires_at,
        DROP COLUMN extension_lapses_to, DROP COLUMN extension_reported_at;
    `);
  }
}
