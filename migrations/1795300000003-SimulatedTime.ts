import { MigrationInterface, QueryRunner } from 'typeorm';

export class SimulatedTime1795300000003 implements MigrationInterface {
  name = 'SimulatedTime1795300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- A drill's simulated instant, shared by every process (API and workers) started with TRACKER_NOW.
      CREATE TABLE simulated_time (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        started_from timestamptz NOT NULL,
        instant timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE simulated_time`);
  }
}
