import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Links for the people reminders reach (issue 17).
 * - `link_key`: the key links are signed with (HMAC-SHA-256), made here by PostgreSQL so that the API,
 *   which checks links, and the worker, which writes them into messages, share it with nothing to
 *   configure. A key row is never updated; a new row is a new key (the newest signs, every row verifies).
 * - `contact.link_generation`: a link names the generation it was made in; rotating a contact's links
 *   moves it on, and every older link and session stops at once. A removed contact's links stop with it.
 * - `link_session`: what a link opens: one organisation, one programme, for one contact, a short while.
 *   The cookie's value is never stored, only its SHA-256; the CSRF secret is per session.
 * - `reminder_delivery.contact_id`: which contact a message is for, so its link is made for them at the
 *   send. Invitations and fresh links are messages too (organisation_id NULL: nothing that stops or
 *   counts an organisation's reminders touches them).
 */
export class LinksForRecipients1795300000032 implements MigrationInterface {
  name = 'LinksForRecipients1795300000032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link_key (
        id smallserial PRIMARY KEY,
        secret bytea NOT NULL CHECK (length(secret) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO link_key (secret) VALUES (sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())) || sha256(uuid_send(gen_random_uuid())));

      ALTER TABLE contact ADD COLUMN link_generation integer NOT NULL DEFAULT 1;

      CREATE TABLE link_session (
        id text PRIMARY KEY,
        contact_id uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        programme_id uuid NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
        link_generation integer NOT NULL,
        csrf_secret text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX link_session_contact_idx ON link_session (contact_id);
      CREATE INDEX link_session_expires_idx ON link_session (expires_at);

      ALTER TABLE reminder_delivery ADD COLUMN contact_id uuid REFERENCES contact (id) ON DELETE SET NULL;
      CREATE INDEX reminder_delivery_contact_idx ON reminder_delivery (contact_id, created_at) WHERE contact_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reminder_delivery DROP COLUMN contact_id;
      DROP TABLE link_session;
      ALTER TABLE contact DROP COLUMN link_generation;
      DROP TABLE link_key;
    `);
  }
}
