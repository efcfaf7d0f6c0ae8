import type { EntityManager } from 'typeorm';

/** Whose webhook: a contact's (its notification preference) or an escalation contact's. */
export type WebhookOwner = { contactId: string } | { escalationContactId: string };

export interface WebhookSecretDates {
  /** When the current secret was handed out; null: made by the migration and never shown. */
  issuedAt: Date | null;
  /** Until when the secret before the last rotation still signs. */
  previousValidUntil: Date | null;
}

const ownerSql = (owner: WebhookOwner) => ('contactId' in owner ? 'contact_id' : 'escalation_contact_id');
const ownerId = (owner: WebhookOwner) => ('contactId' in owner ? owner.contactId : owner.escalationContactId);

/**
 * The secrets that sign a delivery (alias `d`, a reminder_delivery row) at the instant `now` (an SQL
 * expression), as a text[]: the webhook owner's as they are at the send, current first, then previous
 * ones while their overlap lasts; empty when the owner removed or changed the URL since the delivery
 * was planned. Contacts sharing a URL share one delivery, and each one's secret signs it. The lookup is
 * webhook_signing_secrets() (migration 0026), PL/pgSQL so that its plan is kept per connection: the
 * sender's claim returns it, with no extra statement and no planning per send.
 */
export function signingSecretsSql(d: string, now: string): string {
  return `webhook_signing_secrets(${d}.organisation_id, ${d}.subject_key, ${d}.recipient, ${now})`;
}

/** Per-webhook signing secrets (table webhook_secret). The writers and readers here return dates, never a secret. */
export const WebhookSecretRepository = {
  /** A webhook's first secret, or a new one for a new URL: the previous one stops at once. */
  async issue(manager: EntityManager, owner: WebhookOwner, secret: string, now: Date): Promise<void> {
    const column = ownerSql(owner);
    await manager.query(
      `INSERT INTO webhook_secret (${column}, secret, issued_at) VALUES ($1, $2, $3)
       ON CONFLICT (${column}) DO UPDATE SET secret = $2, issued_at = $3, previous_secret = NULL, previous_valid_until = NULL`,
      [ownerId(owner), secret, now],
    );
  },

  /**
   * A new secret; the current one keeps signing until `previousValidUntil` (none when it is `now`). A
   * rotation during an overlap drops the oldest: two secrets at most. A webhook without a secret gets one.
   */
  async rotate(manager: EntityManager, owner: WebhookOwner, secret: string, now: Date, previousValidUntil: Date): Promise<WebhookSecretDates> {
    const column = ownerSql(owner);
    const keepPrevious = previousValidUntil.getTime() > now.getTime();
    const [row] = await manager.query(
      `INSERT INTO webhook_secret (${column}, secret, issued_at) VALUES ($1, $2, $3)
       ON CONFLICT (${column}) DO UPDATE SET secret = $2, issued_at = $3,
         previous_secret = CASE WHEN $4 THEN webhook_secret.secret END, previous_valid_until = CASE WHEN $4 THEN $5::timestamptz END
       RETURNING issued_at, previous_valid_until`,
      [ownerId(owner), secret, now, keepPrevious, previousValidUntil],
    );
    return { issuedAt: row.issued_at, previousValidUntil: row.previous_valid_until };
  },

  async drop(manager: EntityManager, owner: WebhookOwner): Promise<void> {
    await manager.query(`DELETE FROM webhook_secret WHERE ${ownerSql(owner)} = $1`, [ownerId(owner)]);
  },

  /** The dates (never the secrets) of many contacts' webhooks, by contact id. */
  async datesOfContacts(manager: EntityManager, contactIds: readonly string[]): Promise<Map<string, WebhookSecretDates>> {
    const rows = await manager.query(`SELECT contact_id, issued_at, previous_valid_until FROM webhook_secret WHERE contact_id = ANY($1::uuid[])`, [contactIds]);
    return new Map(rows.map((r: Record<string, any>) => [r.contact_id, { issuedAt: r.issued_at, previousValidUntil: r.previous_valid_until }]));
  },

  async datesOfEscalationContacts(manager: EntityManager): Promise<Map<string, WebhookSecretDates>> {
    const rows = await manager.query(
      `SELECT escalation_contact_id, issued_at, previous_valid_until FROM webhook_secret WHERE escalation_contact_id IS NOT NULL`,
    );
    return new Map(rows.map((r: Record<string, any>) => [r.escalation_contact_id, { issuedAt: r.issued_at, previousValidUntil: r.previous_valid_until }]));
  },
};
