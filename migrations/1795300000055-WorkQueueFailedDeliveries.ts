import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The liaison's work page lists each organisation's reminders that failed for good (libs/data/work-queue.repository.ts):
 * found by organisation through this small partial index instead of reading every delivery. `state` is in
 * partial indexes of this table already, so this one costs no HOT update that was possible before.
 */
export class WorkQueueFailedDeliveries1795300000055 implements MigrationInterface {
  name = 'WorkQueueFailedDeliveries1795300000055';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX reminder_delivery_failed_idx ON reminder_delivery (organisation_id, id) WHERE state = 'FAILED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reminder_delivery_failed_idx`);
  }
}
