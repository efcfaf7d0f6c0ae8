import { MigrationInterface, QueryRunner } from 'typeorm';

export class Imports1795300000005 implements MigrationInterface {
  name = 'Imports1795300000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- A footprint row from a spreadsheet keeps the sheet's own key, so a re-import updates it in place.
      ALTER TABLE footprint ADD COLUMN import_key text CHECK (import_key IS NULL OR length(import_key) BETWEEN 1 AND 100);
      CREATE UNIQUE INDEX footprint_import_key_idx ON footprint (organisation_id, programme_id, import_key) WHERE import_key IS NOT NULL;

      -- One row per import, dry run or applied: what every audit event of an import points at.
      CREATE TABLE import_run (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('organisations', 'footprint')),
        actor text NOT NULL,
        actor_role text NOT NULL,
        dry_run boolean NOT NULL,
        applied boolean NOT NULL,
        rows integer NOT NULL,
        created integer NOT NULL,
        updated integer NOT NULL,
        unchanged integer NOT NULL,
        bad_rows integer NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_run; DROP INDEX footprint_import_key_idx; ALTER TABLE footprint DROP COLUMN import_key;`);
  }
}
