import { MigrationInterface, QueryRunner } from 'typeorm';

/** No query reads milestones by target across organisations (the planner and dashboards go through
 *  organisations and the rollup), and the index slowed every milestone insert: bulk imports most. */
export class DropUnusedMilestoneIndex1795300000006 implements MigrationInterface {
  name = 'DropUnusedMilestoneIndex1795300000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS milestone_target_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX milestone_target_idx ON milestone (programme_id, target_at) WHERE state <> 'DONE'`);
  }
}
