import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, item 4: the OT track. OT environments change only in maintenance windows and only to a
 * replacement the equipment vendor has certified. Per OT deployment (a footprint row with environment
 * OT): its next maintenance window (start and end) with an optional name, and whether its replacement
 * is certified by the equipment vendor, with the certificate's reference. An OT milestone may target
 * a deployment's window (its target is the window's end), and an extension request may cite the
 * window it waits for (kept as it was when cited). Windows and certification are OT facts only.
 *
 * The milestone's and the extension's links to a footprint row are not foreign keys: a row trigger on
 * every milestone insert would cost the bulk import (1.4 million milestones) for a column almost always
 * null. A link whose row is gone names no window (the status rule finds none); removing a footprint row
 * clears the milestones' links in the same change (FootprintService.remove), and an extension keeps the
 * window it cited as it was.
 */
export class OtMaintenanceWindows1795300000046 implements MigrationInterface {
  name = 'OtMaintenanceWindows1795300000046';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE footprint
        ADD COLUMN maintenance_window_starts_at timestamptz,
        ADD COLUMN maintenance_window_ends_at timestamptz,
        ADD COLUMN maintenance_window_name text,
        ADD COLUMN replacement_vendor_certified boolean,
        ADD COLUMN replacement_certification_ref text,
        ADD CONSTRAINT footprint_window_whole CHECK ((maintenance_window_starts_at IS NULL) = (maintenance_window_ends_at IS NULL)
          AND (maintenance_window_name IS NULL OR maintenance_window_starts_at IS NOT NULL)),
        ADD CONSTRAINT footprint_window_ordered CHECK (maintenance_window_ends_at > maintenance_window_starts_at),
        ADD CONSTRAINT footprint_certified_with_reference CHECK (replacement_vendor_certified IS NOT TRUE OR length(btrim(replacement_certification_ref)) > 0),
        ADD CONSTRAINT footprint_ot_facts_on_ot CHECK (environment = 'OT' OR (maintenance_window_starts_at IS NULL AND replacement_vendor_certified IS NULL AND replacement_certification_ref IS NULL));
      ALTER TABLE milestone
        ADD COLUMN maintenance_window_footprint_id uuid,
        ADD CONSTRAINT milestone_window_on_ot CHECK (maintenance_window_footprint_id IS NULL OR track = 'OT');
      CREATE INDEX milestone_window_footprint_idx ON milestone (maintenance_window_footprint_id) WHERE maintenance_window_footprint_id IS NOT NULL;
      ALTER TABLE extension
        ADD COLUMN maintenance_window_footprint_id uuid,
        ADD COLUMN window_starts_at timestamptz,
        ADD COLUMN window_ends_at timestamptz,
        ADD COLUMN window_name text,
        ADD CONSTRAINT extension_window_whole CHECK ((window_starts_at IS NULL) = (window_ends_at IS NULL) AND (maintenance_window_footprint_id IS NULL OR window_starts_at IS NOT NULL));
      CREATE INDEX extension_window_footprint_idx ON extension (maintenance_window_footprint_id) WHERE maintenance_window_footprint_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE extension DROP COLUMN maintenance_window_footprint_id, DROP COLUMN window_starts_at, DROP COLUMN window_ends_at, DROP COLUMN window_name;
      ALTER TABLE milestone DROP COLUMN maintenance_window_footprint_id;
      ALTER TABLE footprint DROP CONSTRAINT footprint_ot_facts_on_ot, DROP CONSTRAINT footprint_certified_with_reference, DROP CONSTRAINT footprint_window_ordered,
        DROP CONSTRAINT footprint_window_whole, DROP COLUMN maintenance_window_starts_at, DROP COLUMN maintenance_window_ends_at, DROP COLUMN maintenance_window_name,
        DROP COLUMN replacement_vendor_certified, DROP COLUMN replacement_certification_ref;
    `);
  }
}
