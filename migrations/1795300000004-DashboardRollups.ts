import { MigrationInterface, QueryRunner } from 'typeorm';

export class DashboardRollups1795300000004 implements MigrationInterface {
  name = 'DashboardRollups1795300000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- organisation_status becomes the per-organisation rollup that dashboards aggregate: kept in the
      -- transaction of every write and refreshed by the worker as time passes.
      ALTER TABLE organisation_status
        ADD COLUMN endpoints_total bigint NOT NULL DEFAULT 0,
        ADD COLUMN endpoints_remaining bigint NOT NULL DEFAULT 0,
        ADD COLUMN ot_total bigint NOT NULL DEFAULT 0,
        ADD COLUMN ot_remaining bigint NOT NULL DEFAULT 0,
        ADD COLUMN milestones_not_started integer NOT NULL DEFAULT 0,
        ADD COLUMN milestones_in_progress integer NOT NULL DEFAULT 0,
        ADD COLUMN milestones_done integer NOT NULL DEFAULT 0,
        ADD COLUMN milestones_blocked integer NOT NULL DEFAULT 0,
        ADD COLUMN milestones_overdue integer NOT NULL DEFAULT 0,
        ADD COLUMN removal_verified boolean NOT NULL DEFAULT false,
        ADD COLUMN risk_score integer NOT NULL DEFAULT 0,
        ADD COLUMN risk_reasons jsonb NOT NULL DEFAULT '[]';
      CREATE INDEX organisation_status_risk_idx ON organisation_status (programme_id, risk_score DESC, organisation_id);

      -- One row per day, programme and primary sector: what the burn-down draws.
      CREATE TABLE daily_snapshot (
        day date NOT NULL,
        programme_id uuid NOT NULL REFERENCES programme (id),
        sector_code text NOT NULL,
        organisations integer NOT NULL,
        organisations_not_done integer NOT NULL,
        endpoints_total bigint NOT NULL,
        endpoints_remaining bigint NOT NULL,
        source text NOT NULL CHECK (source IN ('SNAPSHOT', 'BACKFILL', 'DEMO')),
        taken_at timestamptz NOT NULL,
        PRIMARY KEY (programme_id, day, sector_code)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE daily_snapshot;
      DROP INDEX organisation_status_risk_idx;
      ALTER TABLE organisation_status DROP COLUMN endpoints_total, DROP COLUMN endpoints_remaining, DROP COLUMN ot_total, DROP COLUMN ot_remaining,
        DROP COLUMN milestones_not_started, DROP COLUMN milestones_in_progress, DROP COLUMN milestones_done, DROP COLUMN milestones_blocked,
        DROP COLUMN milestones_overdue, DROP COLUMN removal_verified, DROP COLUMN risk_score, DROP COLUMN risk_reasons;
    `);
  }
}
