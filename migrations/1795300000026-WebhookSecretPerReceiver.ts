import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each webhook signs with a secret of its own (Standard Webhooks: `whsec_` and the base64 of 32 bytes),
 * owned by a contact's notification preference or by an escalation contact, instead of one secret shared
 * by every receiver (with which any receiver could forge messages to all the others). A rotation keeps the
 * previous secret valid until `previous_valid_until`. The secrets live in a table of their own so that no
 * read of a preference or an escalation contact, and no audit of one, can carry them.
 *
 * Webhooks saved before this migration get a secret here, made by PostgreSQL's strong random generator
 * (sha256 of two gen_random_uuid(): 32 bytes holding 244 random bits, with no extension needed), so that
 * no webhook is ever signed with a shared secret again. Nobody has seen these secrets (`issued_at` is NULL):
 * their owners get one with the rotateWebhookSecret mutations.
 */
export class WebhookSecretPerReceiver1795300000026 implements MigrationInterface {
  name = 'WebhookSecretPerReceiver1795300000026';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_secret (
        contact_id uuid UNIQUE REFERENCES notification_preference (contact_id) ON DELETE CASCADE,
        escalation_contact_id uuid UNIQUE REFERENCES escalation_contact (id) ON DELETE CASCADE,
        secret text NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/]{32,}={0,2}$'),
        -- when the secret was handed out, in the answer of the mutation that made it; NULL: made by this migration, never shown
        issued_at timestamptz,
        previous_secret text CHECK (previous_secret ~ '^whsec_[A-Za-z0-9+/]{32,}={0,2}$'),
        previous_valid_until timestamptz,
        CHECK (num_nonnulls(contact_id, escalation_contact_id) = 1),
        CHECK ((previous_secret IS NULL) = (previous_valid_until IS NULL))
      );

      INSERT INTO webhook_secret (contact_id, secret)
        SELECT contact_id, 'whsec_' || encode(sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())), 'base64')
        FROM notification_preference WHERE webhook_url IS NOT NULL;
      INSERT INTO webhook_secret (escalation_contact_id, secret)
        SELECT id, 'whsec_' || encode(sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())), 'base64')
        FROM escalation_contact WHERE webhook_url IS NOT NULL;

      -- The secrets that sign one delivery at an instant: its owner's as they are at the send, current
      -- ones first, then previous ones while their overlap lasts; empty when the owner dropped or changed
      -- the URL. An organisation's delivery belongs to its contacts whose preference has this URL; a digest
      -- (subject 'digest:<id>') to its escalation contact. The sender's claim calls it: PL/pgSQL keeps the
      -- plan per connection, where planning this lookup inside every claim cost half the claim's throughput.
      CREATE FUNCTION webhook_signing_secrets(organisation uuid, subject text, address text, instant timestamptz) RETURNS text[]
      LANGUAGE plpgsql STABLE AS $$
      BEGIN
        RETURN (SELECT array_agg(o.secret) || COALESCE(array_agg(o.previous_secret) FILTER (WHERE o.previous_valid_until > instant), '{}') FROM (
          SELECT s.secret, s.previous_secret, s.previous_valid_until
          FROM contact c JOIN notification_preference p ON p.contact_id = c.id JOIN webhook_secret s ON s.contact_id = c.id
          WHERE c.organisation_id = organisation AND p.webhook_url = address
          UNION ALL
          SELECT s.secret, s.previous_secret, s.previous_valid_until
          FROM escalation_contact e JOIN webhook_secret s ON s.escalation_contact_id = e.id
          WHERE organisation IS NULL AND subject = 'digest:' || e.id AND e.webhook_url = address) o);
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION webhook_signing_secrets(uuid, text, text, timestamptz); DROP TABLE webhook_secret;`);
  }
}
