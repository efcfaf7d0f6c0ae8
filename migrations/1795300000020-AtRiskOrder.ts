import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The at-risk list pages by (risk score, organisation id), both descending. The old index had the id
 * ascending, so every page sorted all the organisations with its score (47 ms at 200,000 organisations);
 * in the list's own order a page is an index range (under 1 ms).
 */
export class AtRiskOrder1795300000020 implements MigrationInterface {
  name = 'AtRiskOrder1795300000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS organisation_status_risk_idx`);
    await q.query(`CREATE INDEX organisation_status_risk_idx ON organisation_status (programme_id, risk_score DESC, organisation_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS organisation_status_risk_idx`);
    await q.query(`CREATE INDEX organisation_status_risk_idx ON organisation_status (programme_id, risk_score DESC, organisation_id)`);
  }
}
