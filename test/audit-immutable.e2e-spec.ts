import { Client } from 'pg';
import { newOrganisation } from './support/factories';
import { ok, startServer, TestServer } from './support/server';

/**
 * Issue 18, item 6: the audit trail cannot be rewritten by the application. Migrations run as the
 * schema's owner (DATABASE_OWNER_URL); the server connects as a role of its own (DATABASE_URL) that
 * start-up creates and grants SELECT and INSERT on audit_event, nothing more, and which owns nothing.
 */
describe('audit trail: the application cannot rewrite it (issue 18, item 6)', () => {
  let server: TestServer;
  let app: Client;
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code?: string }) => e.code ?? String(e),
    );

  beforeAll(async () => {
    server = await startServer({ now: '2024-08-01T12:00:00Z', withWorker: true });
    app = new Client({ connectionString: server.appDatabaseUrl });
    await app.connect();
  });

  afterAll(async () => {
    await app?.end().catch(() => undefined);
    await server?.stop();
  });

  it('serves every connection of the server as the application role, not the owner', async () => {
    const org = await newOrganisation(server, { name: 'Audited Water' });
    const history = ok(await server.gql(`query($id: ID!) { organisation(id: $id) { history(first: 5) { action } } }`, { id: org.id }));
    expect(history.organisation.history.map((h: { action: string }) => h.action)).toContain('create');
    const role = new URL(server.appDatabaseUrl).username;
    const users = await server.sql(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name IN ('tracker', 'credential-changes')`,
    );
    expect(users.map((u) => u.usename)).toEqual([role]);
    const [owner] = await server.sql(`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'`);
    expect(owner.tableowner).not.toBe(role);
    expect(server.output()).not.toMatch(/audit trail not protected/);
  });

  it('may read and insert audit events, and may not update, delete, truncate, drop or disable its trigger', async () => {
    const before = (await server.sql(`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_event`))[0];
    expect(before.n).toBeGreaterThan(0);
    expect((await app.query(`SELECT count(*)::int AS n FROM audit_event`)).rows[0].n).toBe(before.n);
    await app.query('BEGIN');
    expect(
      await codeOf(
        app.query(`INSERT INTO audit_event (occurred_at, actor, actor_role, entity_type, entity_id, action) VALUES (now(), 'test', 'admin', 'x', 'x', 'TEST')`),
      ),
    ).toBe('ok');
    await app.query('ROLLBACK');

    const attempts: Record<string, string> = {
      update: `UPDATE audit_event SET actor = 'someone else'`,
      delete: `DELETE FROM audit_event`,
      truncate: `TRUNCATE audit_event`,
      'disable the trigger': `ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update`,
      'disable every trigger': `ALTER TABLE audit_event DISABLE TRIGGER ALL`,
      'drop the trigger': `DROP TRIGGER audit_event_no_update ON audit_event`,
      'replace the trigger function': `CREATE OR REPLACE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
      'add a trigger': `CREATE TRIGGER sneaky BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_immutable()`,
      'skip triggers for the session': `SET session_replication_role = replica`,
      'take the table over': `ALTER TABLE audit_event OWNER TO CURRENT_USER`,
      'drop the table': `DROP TABLE audit_event`,
      'rename the table': `ALTER TABLE audit_event RENAME TO audit_event_old`,
      'lock rows for update': `SELECT id FROM audit_event FOR UPDATE`,
      'rewrite the migrations': `DELETE FROM schema_migration`,
      'create a table of its own': `CREATE TABLE audit_event_copy (id int)`,
    };
    const refused: Record<string, string> = {};
    for (const [what, sql] of Object.entries(attempts)) refused[what] = await codeOf(app.query(sql));
    // 42501 insufficient_privilege: permission denied, or "must be owner"
    expect(refused).toEqual(Object.fromEntries(Object.keys(attempts).map((k) => [k, '42501'])));

    const after = (await server.sql(`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_event`))[0];
    expect(after).toEqual(before);
    const triggers = await server.sql(`SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal ORDER BY tgname`);
    expect(triggers).toEqual([
      { tgname: 'audit_event_no_truncate', tgenabled: 'O' },
      { tgname: 'audit_event_no_update', tgenabled: 'O' },
    ]);
  });

  it('still does everything else through the application role: writes, history, dashboards, the outbox and LISTEN/NOTIFY', async () => {
    const org = await newOrganisation(server, { name: 'Still Works' });
    const read = ok(await server.gql(`query($id: ID!) { organisation(id: $id) { version } programmeSummary { organisations } }`, { id: org.id }));
    expect(read.programmeSummary.organisations).toBeGreaterThanOrEqual(2);
    ok(
      await server.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }`, {
        input: { id: org.id, version: read.organisation.version, name: 'Still Works Renamed' },
      }),
    );
    const planned = ok(await server.gql(`mutation { runReminderPlanner { organisations inserted } }`));
    expect(planned.runReminderPlanner.inserted).toBeGreaterThan(0);
    expect((await server.sql(`SELECT count(*)::int AS n FROM reminder_delivery`))[0].n).toBeGreaterThan(0);
    const heard = new Promise<string>((resolve) => app.once('notification', (n) => resolve(n.payload ?? '')));
    await app.query('LISTEN api_credential_changed');
    await app.query(`SELECT pg_notify('api_credential_changed', 'heard')`);
    expect(await heard).toBe('heard');
    await app.query('UNLISTEN *');
  });

  it('warns at start-up when the application connects as the owner', async () => {
    const single = await startServer({ env: { DATABASE_URL: server.databaseUrl }, databaseUrl: server.databaseUrl });
    try {
      expect(single.output()).toMatch(/audit trail not protected: the application connects as postgres, the schema's owner/);
    } finally {
      await single.stop();
    }
  });
});
