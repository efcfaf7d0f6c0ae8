import { escapeIdentifier, escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';

export interface ApplicationRoleReport {
  role: string;
  /** The role did not exist and was created (LOGIN, with the password of its URL if any). */
  created: boolean;
  /** Why the application could still rewrite the audit trail, or null when it cannot. */
  risk: string | null;
}

/**
 * Run as the schema's owner after the migrations: the role the application connects as may read and
 * write every table, use the sequences and LISTEN/NOTIFY, but on `audit_event` only SELECT and INSERT,
 * and on the migrations' own table only SELECT. It owns nothing, so it can neither drop nor disable the
 * audit's triggers (ALTER TABLE and DROP TRIGGER need the owner), nor TRUNCATE, UPDATE or DELETE.
 * Idempotent; it runs at every start (under the migrations' lock), so a table a later migration adds
 * is granted before the application uses it.
 */
export async function grantApplicationRole(owner: DataSource, applicationUrl: string): Promise<ApplicationRoleReport> {
  const url = new URL(applicationUrl);
  const role = decodeURIComponent(url.username) || 'postgres';
  const password = url.password ? decodeURIComponent(url.password) : null;
  const [{ me, db }] = await owner.query('SELECT current_user AS me, current_database() AS db');
  if (me === role) {
    return {
      role,
      created: false,
      risk: `the application connects as ${role}, the schema's owner, which can drop or disable the audit trail's trigger: give DATABASE_OWNER_URL the owner and DATABASE_URL a role of its own`,
    };
  }
  let created = false;
  if ((await owner.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length === 0) {
    // outside a transaction: two databases of one cluster starting at once race here, and the loser is told so
    await owner.query(`CREATE ROLE ${escapeIdentifier(role)} LOGIN${password ? ` PASSWORD ${escapeLiteral(password)}` : ''}`).then(
      () => (created = true),
      (error) => {
        if (error.code !== '42710' && error.code !== '23505') throw error;
      },
    );
  }
  const r = escapeIdentifier(role);
  await owner.transaction(async (m) => {
    await m.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${escapeIdentifier(db)} TO ${r}`);
    await m.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await m.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await m.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await m.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM ${r}`);
    await m.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON schema_migration FROM ${r}`);
  });
  const [standing] = await owner.query(
    `SELECT r.rolsuper AS superuser, pg_has_role(r.oid, c.relowner, 'MEMBER') AS owner
       FROM pg_roles r, pg_class c WHERE r.rolname = $1 AND c.oid = 'audit_event'::regclass`,
    [role],
  );
  const risk = standing?.superuser
    ? `the application's role ${role} is a superuser: it can rewrite the audit trail; connect as a role without SUPERUSER`
    : standing?.owner
      ? `the application's role ${role} is a member of the audit trail's owner: it can drop its trigger; revoke that membership`
      : null;
  return { role, created, risk };
}
