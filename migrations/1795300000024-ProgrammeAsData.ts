import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A programme carries its own rules and wording: which milestones mean "inventory done" and "removal
 * verified", the status and escalation thresholds (ProgrammeRules), and how messages name the product
 * and what the cutoff means for a copy left running (ProgrammeWording). A version and an update time
 * make an administrator's edit a versioned, audited change. Products belong to a programme's catalogue
 * (NULL: offered in every programme).
 *
 * The new columns start empty: reference data (libs/reference/seed-reference-data.ts, run at every
 * boot after the migrations) fills the seeded programme's, and a programme an administrator creates
 * always has them. The code reads a programme only after both.
 */
export class ProgrammeAsData1795300000024 implements MigrationInterface {
  name = 'ProgrammeAsData1795300000024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE programme
        ADD COLUMN rules jsonb,
        ADD COLUMN wording jsonb,
        ADD COLUMN version int NOT NULL DEFAULT 1,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      ALTER TABLE product ADD COLUMN programme_id uuid REFERENCES programme (id);
      CREATE INDEX product_programme_idx ON product (programme_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX product_programme_idx;
      ALTER TABLE product DROP COLUMN programme_id;
      ALTER TABLE programme DROP COLUMN rules, DROP COLUMN wording, DROP COLUMN version, DROP COLUMN updated_at;
    `);
  }
}
