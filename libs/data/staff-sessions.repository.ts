import type { EntityManager } from 'typeorm';
import type { StaffRole } from '@libs/domain/access/oidc-claims';

export interface StaffSessionRow {
  subject: string;
  role: StaffRole;
  label: string;
  sectors: string[];
  csrfSecret: string;
  expiresAt: Date;
}

/** Staff sessions' rows (migration 0060): opened at sign-in, read on every request of a page, closed at sign-out. */
export const StaffSessionsRepository = {
  /** Opens one, and clears those that ended more than a day ago. */
  async open(manager: EntityManager, id: string, session: StaffSessionRow, at: Date): Promise<void> {
    await manager.query(
      `WITH expired AS (DELETE FROM staff_session WHERE expires_at < $7::timestamptz - interval '1 day')
       INSERT INTO staff_session (id, subject, role, label, sectors, csrf_secret, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, session.subject, session.role, session.label, session.sectors, session.csrfSecret, at, session.expiresAt],
    );
  },

  async session(manager: EntityManager, id: string, at: Date): Promise<StaffSessionRow | null> {
    const [row] = await manager.query(`SELECT subject, role, label, sectors, csrf_secret, expires_at FROM staff_session WHERE id = $1 AND expires_at > $2`, [
      id,
      at,
    ]);
    return row
      ? { subject: row.subject, role: row.role, label: row.label, sectors: row.sectors ?? [], csrfSecret: row.csrf_secret, expiresAt: row.expires_at }
      : null;
  },

  async close(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM staff_session WHERE id = $1`, [id]);
  },
};
