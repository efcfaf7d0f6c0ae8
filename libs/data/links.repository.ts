import type { EntityManager } from 'typeorm';
import type { Actor } from '@libs/domain/actor';
import type { ReminderPayload } from '@libs/domain/reminders/reminder-payload';
import { organisationScopeSql } from './scope';

/** A contact as a link sees it: who, which organisation, and the generation its links must carry. */
export interface LinkContact {
  contactId: string;
  contactName: string;
  email: string;
  role: string;
  timeZone: string;
  generation: number;
  organisationId: string;
  organisationName: string;
  externalKey: string;
  sector: string;
  status: string | null;
}

const contactFromRow = (r: Record<string, any>): LinkContact => ({
  contactId: r.contact_id,
  contactName: r.contact_name,
  email: r.email,
  role: r.role,
  timeZone: r.time_zone,
  generation: r.link_generation,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name,
  externalKey: r.external_key,
  sector: r.primary_sector_code,
  status: r.status ?? null,
});

const CONTACT_SQL = `SELECT c.id AS contact_id, c.name AS contact_name, c.email, c.role, c.time_zone, c.link_generation,
         o.id AS organisation_id, o.name AS organisation_name, o.external_key, o.primary_sector_code, s.status
  FROM contact c JOIN organisation o ON o.id = c.organisation_id AND o.archived_at IS NULL
  LEFT JOIN organisation_status s ON s.organisation_id = o.id AND s.programme_id = $1::uuid`;

export interface SessionRow {
  contactId: string;
  contactName: string;
  email: string;
  organisationId: string;
  programmeId: string;
  csrfSecret: string;
  expiresAt: Date;
}

/** A message with a link in it (an invitation, or a fresh link a contact asked for), for the outbox. */
export interface LinkMessage {
  contact: LinkContact;
  stage: string;
  payload: ReminderPayload;
}

/**
 * Links' rows: the signing keys, the contacts links are made for, the sessions links open, and the
 * messages that carry a link without a reminder. One statement per method.
 */
export const LinksRepository = {
  async keys(manager: EntityManager): Promise<Array<{ id: number; secret: Buffer }>> {
    return (await manager.query(`SELECT id, secret FROM link_key ORDER BY id`)).map((r: any) => ({ id: Number(r.id), secret: r.secret }));
  },

  /** The contact a link names, if it still exists for that organisation (a removed contact, or one moved away, is gone). */
  async contact(manager: EntityManager, programmeId: string, contactId: string, organisationId: string): Promise<LinkContact | null> {
    const [row] = await manager.query(`${CONTACT_SQL} WHERE c.id = $2::uuid AND c.organisation_id = $3::uuid`, [programmeId, contactId, organisationId]);
    return row ? contactFromRow(row) : null;
  },

  async organisationName(manager: EntityManager, organisationId: string): Promise<{ name: string; externalKey: string } | null> {
    const [row] = await manager.query(`SELECT name, external_key FROM organisation WHERE id = $1::uuid`, [organisationId]);
    return row ? { name: row.name, externalKey: row.external_key } : null;
  },

  /** Contacts of organisations in the actor's scope: all of one organisation's, or the ones named. */
  async contactsInScope(
    manager: EntityManager,
    actor: Actor,
    programmeId: string,
    where: { organisationId?: string; contactIds?: string[] },
  ): Promise<LinkContact[]> {
    const params: unknown[] = [programmeId, where.organisationId ?? null, where.contactIds ?? null];
    const rows = await manager.query(
      `${CONTACT_SQL} WHERE ($2::uuid IS NULL OR c.organisation_id = $2::uuid) AND ($3::uuid[] IS NULL OR c.id = ANY($3::uuid[]))
         AND ${organisationScopeSql(actor, 'o', params)} ORDER BY c.role, c.name, c.id`,
      params,
    );
    return rows.map(contactFromRow);
  },

  /** Moves a contact's links on a generation: every link and session made before stops. */
  async rotate(manager: EntityManager, contactId: string): Promise<number | null> {
    const [rows] = await manager.query(
      `WITH gone AS (DELETE FROM link_session WHERE contact_id = $1::uuid)
       UPDATE contact SET link_generation = link_generation + 1 WHERE id = $1::uuid RETURNING link_generation`,
      [contactId],
    );
    return rows?.[0]?.link_generation ?? null;
  },

  async openSession(
    manager: EntityManager,
    id: string,
    contact: LinkContact,
    programmeId: string,
    csrfSecret: string,
    at: Date,
    expiresAt: Date,
  ): Promise<void> {
    await manager.query(
      `WITH expired AS (DELETE FROM link_session WHERE expires_at < $7::timestamptz - interval '1 day')
       INSERT INTO link_session (id, contact_id, organisation_id, programme_id, link_generation, csrf_secret, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, contact.contactId, contact.organisationId, programmeId, contact.generation, csrfSecret, at, expiresAt],
    );
  },

  /** A live session: unexpired, its contact still there, for the same organisation, at the same generation. */
  async session(manager: EntityManager, id: string, at: Date): Promise<SessionRow | null> {
    const [row] = await manager.query(
      `SELECT s.contact_id, c.name, c.email, s.organisation_id, s.programme_id, s.csrf_secret, s.expires_at
       FROM link_session s JOIN contact c ON c.id = s.contact_id AND c.organisation_id = s.organisation_id AND c.link_generation = s.link_generation
       JOIN organisation o ON o.id = s.organisation_id AND o.archived_at IS NULL
       WHERE s.id = $1 AND s.expires_at > $2`,
      [id, at],
    );
    return row
      ? {
          contactId: row.contact_id,
          contactName: row.name,
          email: row.email,
          organisationId: row.organisation_id,
          programmeId: row.programme_id,
          csrfSecret: row.csrf_secret,
          expiresAt: row.expires_at,
        }
      : null;
  },

  async closeSession(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM link_session WHERE id = $1`, [id]);
  },

  /**
   * Link messages into the outbox, e-mail to each contact's own address. The unique key makes a second
   * request in the same window the same message (nothing sent twice); a contact already sent `perDay`
   * link messages in the last day gets no more. Answers the contacts a message was queued for.
   */
  async queue(manager: EntityManager, programmeId: string, messages: LinkMessage[], at: Date, perDay: number): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    const doc = JSON.stringify(
      messages.map((m) => ({
        ci: m.contact.contactId,
        st: m.stage,
        rc: m.contact.email,
        rn: m.contact.contactName,
        rr: m.contact.role,
        tz: m.contact.timeZone,
        pl: m.payload,
      })),
    );
    const rows = await manager.query(
      `INSERT INTO reminder_delivery (subject_key, organisation_id, programme_id, stage, level, recipient, recipient_name, recipient_role, channel, time_zone, payload, due_at, created_at, contact_id)
       SELECT 'link:' || t.ci, NULL, $2, t.st, 1, t.rc, t.rn, t.rr, 'EMAIL', t.tz, t.pl, $3, $3, t.ci
       FROM json_to_recordset($1::json) AS t(ci uuid, st text, rc text, rn text, rr text, tz text, pl jsonb)
       WHERE (SELECT count(*) FROM reminder_delivery d WHERE d.contact_id = t.ci AND d.subject_key = 'link:' || t.ci AND d.created_at > $3::timestamptz - interval '1 day') < $4
       ON CONFLICT ON CONSTRAINT reminder_delivery_once DO NOTHING
       RETURNING contact_id`,
      [doc, programmeId, at, perDay],
    );
    return new Set(rows.map((r: any) => r.contact_id));
  },
};
