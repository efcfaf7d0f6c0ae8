import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, item 5. A programme's announced and published dates are days of the regulation's own
 * calendar (the Final Determination was announced on 2024-06-20 in Washington), not instants: held as
 * midnight UTC they showed as the evening before in every US time zone. They become `date`, taken as
 * the UTC day of the instant held (every instant entered so far was a midnight UTC).
 *
 * A sector has at most one open version (valid_to NULL): a change of agency closes one and opens the
 * next (SectorsService.changeAgency), and every query asks for the version in force at its instant.
 */
export class ReferenceDataAtTheInstant1795300000045 implements MigrationInterface {
  name = 'ReferenceDataAtTheInstant1795300000045';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE programme
        ALTER COLUMN announced TYPE date USING (announced AT TIME ZONE 'UTC')::date,
        ALTER COLUMN published TYPE date USING (published AT TIME ZONE 'UTC')::date;
      CREATE UNIQUE INDEX sector_one_open_version ON sector (code) WHERE valid_to IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX sector_one_open_version;
      ALTER TABLE programme
        ALTER COLUMN announced TYPE timestamptz USING announced::timestamp AT TIME ZONE 'UTC',
        ALTER COLUMN published TYPE timestamptz USING published::timestamp AT TIME ZONE 'UTC';
    `);
  }
}
