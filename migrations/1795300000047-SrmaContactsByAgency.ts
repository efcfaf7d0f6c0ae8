import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, item 5. An SRMA escalation contact may name the agency it speaks for: it then hears of a
 * sector's organisations only while the sector is with that agency (the sector's version in force at
 * the planner's instant), so a sector moved to another agency from a date escalates to the new agency
 * from that date and to the old one before it. A contact that names no agency hears of its sector
 * whoever holds it, as before.
 */
export class SrmaContactsByAgency1795300000047 implements MigrationInterface {
  name = 'SrmaContactsByAgency1795300000047';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE escalation_contact
        ADD COLUMN agency text,
        ADD CONSTRAINT escalation_contact_agency_of_srma CHECK (agency IS NULL OR (kind = 'SRMA' AND length(btrim(agency)) > 0));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE escalation_contact DROP CONSTRAINT escalation_contact_agency_of_srma, DROP COLUMN agency`);
  }
}
