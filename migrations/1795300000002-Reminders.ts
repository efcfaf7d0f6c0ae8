import { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1795300000002 implements MigrationInterface {
  name = 'Reminders1795300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- How each contact wants to hear: e-mail and/or a signed webhook, within business hours in their time zone.
      CREATE TABLE notification_preference (
        contact_id uuid PRIMARY KEY REFERENCES contact (id) ON DELETE CASCADE,
        email_enabled boolean NOT NULL DEFAULT true,
        webhook_url text CHECK (webhook_url IS NULL OR webhook_url ~ '^https?://'),
        business_hours_start smallint NOT NULL DEFAULT 9 CHECK (business_hours_start BETWEEN 0 AND 23),
        business_hours_end smallint NOT NULL DEFAULT 17 CHECK (business_hours_end BETWEEN 1 AND 24),
        weekdays_only boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL,
        CHECK (business_hours_end > business_hours_start)
      );

      -- People above the organisation on the ladder: level 3 the sector liaisons, level 4 the SRMA and the CISA regional lead.
      CREATE TABLE escalation_contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('SECTOR_LIAISON', 'SRMA', 'CISA_REGION')),
        sector_code text,
        region smallint REFERENCES cisa_region (region),
        name text NOT NULL,
        email text,
        webhook_url text CHECK (webhook_url IS NULL OR webhook_url ~ '^https?://'),
        time_zone text NOT NULL DEFAULT 'America/New_York',
        created_at timestamptz NOT NULL,
        CHECK (email IS NOT NULL OR webhook_url IS NOT NULL),
        CHECK ((kind = 'CISA_REGION') = (region IS NOT NULL)),
        CHECK ((kind IN ('SECTOR_LIAISON', 'SRMA')) = (sector_code IS NOT NULL))
      );
      CREATE INDEX escalation_contact_sector_idx ON escalation_contact (sector_code);

      -- Acknowledgement pauses escalation at a level until paused_until; snooze silences until snoozed_until.
      CREATE TABLE reminder_control (
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        programme_id uuid NOT NULL REFERENCES programme (id),
        acknowledged_level smallint,
        acknowledged_at timestamptz,
        acknowledged_by text,
        paused_until timestamptz,
        snoozed_until timestamptz,
        snoozed_by text,
        version integer NOT NULL DEFAULT 1,
        PRIMARY KEY (organisation_id, programme_id)
      );

      -- The outbox. A row is written in the planner's transaction and moved to the queue by the relay
      -- after commit, with its id as the job id. The unique key makes each delivery exist once.
      CREATE TABLE reminder_delivery (
        id bigserial PRIMARY KEY,
        subject_key text NOT NULL,
        organisation_id uuid REFERENCES organisation (id) ON DELETE CASCADE,
        programme_id uuid NOT NULL REFERENCES programme (id),
        stage text NOT NULL,
        level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
        recipient text NOT NULL,
        recipient_name text,
        recipient_role text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('EMAIL', 'WEBHOOK')),
        time_zone text NOT NULL,
        payload jsonb NOT NULL,
        due_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'ENQUEUED', 'SENDING', 'SENT', 'FAILED', 'CANCELLED')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        cancel_reason text,
        created_at timestamptz NOT NULL,
        enqueued_at timestamptz,
        sending_since timestamptz,
        sent_at timestamptz,
        CONSTRAINT reminder_delivery_once UNIQUE (subject_key, programme_id, stage, level, recipient, channel)
      );
      CREATE INDEX reminder_delivery_due_idx ON reminder_delivery (due_at, id) WHERE state = 'PENDING';
      CREATE INDEX reminder_delivery_organisation_idx ON reminder_delivery (organisation_id, id);
      CREATE INDEX reminder_delivery_stuck_idx ON reminder_delivery (enqueued_at) WHERE state IN ('ENQUEUED', 'SENDING');

      UPDATE programme SET reminder_ladder = reminder_ladder || '{"acknowledgePauseDays": 7, "snoozeMaxDays": 14}'::jsonb
        WHERE NOT reminder_ladder ? 'acknowledgePauseDays';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reminder_delivery; DROP TABLE reminder_control; DROP TABLE escalation_contact; DROP TABLE notification_preference;`);
  }
}
