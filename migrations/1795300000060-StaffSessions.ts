import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff sessions (issue 19): what signing in through the agency's identity provider (OIDC) opens for
 * the pages. The role and sectors are those the provider's claims mapped to at sign-in, kept for the
 * session's life (OIDC_SESSION_MINUTES). The cookie's value is never stored, only its SHA-256; the CSRF
 * secret is per session. `subject` is the provider's `sub`: the audit names `oidc:<subject>`.
 */
export class StaffSessions1795300000060 implements MigrationInterface {
  name = 'StaffSessions1795300000060';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_session (
        id text PRIMARY KEY,
        subject text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'liaison', 'viewer')),
        label text NOT NULL,
        sectors text[] NOT NULL DEFAULT '{}',
        csrf_secret text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        CHECK (role <> 'liaison' OR cardinality(sectors) > 0)
      );
      CREATE INDEX staff_session_expires_idx ON staff_session (expires_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_session`);
  }
}
