import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795300000000 implements MigrationInterface {
  name = 'InitialSchema1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sector (
        code text NOT NULL CHECK (code ~ '^[A-Z_]+$'),
        name text NOT NULL,
        srma text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz,
        PRIMARY KEY (code, valid_from),
        CHECK (valid_to IS NULL OR valid_to > valid_from)
      );
      CREATE TABLE cisa_region (
        region smallint PRIMARY KEY CHECK (region BETWEEN 1 AND 10),
        office text NOT NULL
      );
      CREATE TABLE us_state (
        code char(2) PRIMARY KEY,
        name text NOT NULL,
        region smallint NOT NULL REFERENCES cisa_region (region)
      );
      CREATE TABLE product (
        code text PRIMARY KEY,
        name text NOT NULL,
        family text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('CATALOGUE', 'WHITE_LABEL', 'OTHER'))
      );
      CREATE TABLE programme (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        regulation text NOT NULL,
        announced timestamptz NOT NULL,
        published timestamptz,
        new_business_cutoff timestamptz NOT NULL,
        updates_cutoff timestamptz NOT NULL,
        milestone_plan jsonb NOT NULL,
        reminder_ladder jsonb NOT NULL DEFAULT '{}',
        stale_report_days integer NOT NULL DEFAULT 30 CHECK (stale_report_days > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE organisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_key text NOT NULL UNIQUE CHECK (length(external_key) BETWEEN 1 AND 100),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
        primary_sector_code text NOT NULL,
        secondary_sector_codes text[] NOT NULL DEFAULT '{}',
        state_code char(2) NOT NULL REFERENCES us_state (code),
        size_band text NOT NULL CHECK (size_band IN ('SMALL', 'MEDIUM', 'LARGE', 'VERY_LARGE')),
        criticality_tier smallint NOT NULL CHECK (criticality_tier BETWEEN 1 AND 4),
        archived_at timestamptz,
        last_reported_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1
      );
      CREATE INDEX organisation_primary_sector_idx ON organisation (primary_sector_code);
      CREATE INDEX organisation_secondary_sectors_idx ON organisation USING gin (secondary_sector_codes);
      CREATE INDEX organisation_state_idx ON organisation (state_code);
      CREATE INDEX organisation_name_idx ON organisation (lower(name), id);
      CREATE INDEX organisation_created_idx ON organisation (created_at, id);

      CREATE TABLE contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('PRIMARY', 'EXECUTIVE', 'SECURITY_LEAD', 'OTHER')),
        name text NOT NULL,
        email text NOT NULL,
        time_zone text NOT NULL DEFAULT 'America/New_York',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX contact_organisation_idx ON contact (organisation_id);

      CREATE TABLE organisation_status (
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        programme_id uuid NOT NULL REFERENCES programme (id),
        status text NOT NULL CHECK (status IN ('COMPLETE', 'ON_TRACK', 'AT_RISK', 'OVERDUE', 'NOT_REPORTING')),
        reasons jsonb NOT NULL DEFAULT '[]',
        as_of timestamptz NOT NULL,
        PRIMARY KEY (organisation_id, programme_id)
      );
      CREATE INDEX organisation_status_programme_idx ON organisation_status (programme_id, status);

      CREATE TABLE footprint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        programme_id uuid NOT NULL REFERENCES programme (id),
        product_code text NOT NULL REFERENCES product (code),
        product_name text,
        vendor text,
        white_label_confidence text CHECK (white_label_confidence IN ('CONFIRMED', 'SUSPECTED', 'UNKNOWN')),
        environment text NOT NULL CHECK (environment IN ('IT', 'OT', 'CLOUD', 'MAIL_GATEWAY', 'CONSUMER_DEVICES', 'OTHER')),
        endpoint_count integer NOT NULL CHECK (endpoint_count >= 0),
        endpoints_remaining integer NOT NULL CHECK (endpoints_remaining >= 0),
        update_channel text NOT NULL CHECK (update_channel IN ('DIRECT', 'SECURITY_CENTER', 'OFFLINE', 'UNKNOWN')),
        licence_end date,
        replacement_product text,
        replacement_chosen_by_organisation boolean,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT footprint_remaining_within_total CHECK (endpoints_remaining <= endpoint_count)
      );
      CREATE INDEX footprint_organisation_idx ON footprint (organisation_id, programme_id);

      CREATE TABLE milestone (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        programme_id uuid NOT NULL REFERENCES programme (id),
        key text NOT NULL,
        track text NOT NULL CHECK (track IN ('IT', 'OT')),
        name text NOT NULL,
        position smallint NOT NULL,
        original_target_at timestamptz NOT NULL,
        target_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'NOT_STARTED' CHECK (state IN ('NOT_STARTED', 'IN_PROGRESS', 'DONE', 'BLOCKED')),
        blocked_reason text,
        evidence text,
        reported_by text,
        reported_at timestamptz,
        verified_by text,
        verified_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1,
        UNIQUE (organisation_id, programme_id, track, key),
        CONSTRAINT milestone_blocked_needs_reason CHECK (state <> 'BLOCKED' OR blocked_reason IS NOT NULL)
      );
      CREATE INDEX milestone_target_idx ON milestone (programme_id, target_at) WHERE state <> 'DONE';

      CREATE TABLE extension (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        milestone_id uuid NOT NULL REFERENCES milestone (id) ON DELETE CASCADE,
        justification text NOT NULL,
        requested_target_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'REQUESTED' CHECK (state IN ('REQUESTED', 'GRANTED', 'DENIED')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        decision_note text,
        granted_target_at timestamptz,
        expires_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT extension_grant_complete CHECK (state <> 'GRANTED' OR (granted_target_at IS NOT NULL AND expires_at IS NOT NULL AND decided_by IS NOT NULL))
      );
      CREATE INDEX extension_organisation_idx ON extension (organisation_id);
      CREATE UNIQUE INDEX extension_one_open_per_milestone ON extension (milestone_id) WHERE state = 'REQUESTED';

      CREATE TABLE audit_event (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        actor_role text NOT NULL,
        organisation_id uuid,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        action text NOT NULL,
        before jsonb,
        after jsonb,
        import_id uuid,
        request_id text
      );
      CREATE INDEX audit_event_organisation_idx ON audit_event (organisation_id, id);
      CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id, id);

      -- The audit trail is append-only: no role the application uses may rewrite history.
      CREATE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event rows are immutable' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_event; DROP FUNCTION audit_event_immutable();
      DROP TABLE extension; DROP TABLE milestone; DROP TABLE footprint; DROP TABLE organisation_status;
      DROP TABLE contact; DROP TABLE organisation; DROP TABLE programme; DROP TABLE product;
      DROP TABLE us_state; DROP TABLE cisa_region; DROP TABLE sector;
    `);
  }
}
