import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an organisation did to hold its reminders, so that it cannot do it for ever: the stage it last
 * acknowledged (one acknowledgement per stage) and the days it has snoozed in total (bounded per
 * programme, `reminderLadder.snoozeTotalMaxDays`).
 */
export class EscalationCannotBeSilenced1795300000025 implements MigrationInterface {
  name = 'EscalationCannotBeSilenced1795300000025';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reminder_control
        ADD COLUMN acknowledged_stage text,
        ADD COLUMN snoozed_days_total numeric NOT NULL DEFAULT 0;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reminder_control DROP COLUMN acknowledged_stage, DROP COLUMN snoozed_days_total`);
  }
}
