import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@migrations/index';
import { OrganisationReferencesFinalForm1795300000023 } from '@migrations/1795300000023-OrganisationReferencesFinalForm';
import { dropDatabase } from './support/server';
import { testServerUrls } from './support/services';

/*
 * The migrations themselves, from their TypeScript sources (no build needed), on databases of their own.
 * Migration 0021 was edited after it landed; 0023 brings a database that ran either version to the final one.
 */

const REFERENCING = ['milestone', 'contact', 'footprint', 'organisation_status'];
const THROUGH_0022 = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'OrganisationRoomForHotUpdates1795300000022') + 1);
/** The migrations this test is about end at 0023; later ones change other tables. */
const THROUGH_0023 = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'OrganisationReferencesFinalForm1795300000023') + 1);

/**
 * What 0021's first committed version (8153191) left that its final version (acd4d8a) changed: these two
 * functions without the READ COMMITTED check, and no organisation_references_readable(), no
 * organisation_truncated() and no TRUNCATE trigger. Everything else 0021 creates is the same in both.
 */
const FIRST_VERSION_OF_0021 = `
  CREATE OR REPLACE FUNCTION organisation_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    ${REFERENCING.map((t) => `DELETE FROM ${t} WHERE organisation_id IN (SELECT id FROM old_rows);`).join('\n    ')}
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION organisation_id_still_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    t text;
    referenced boolean;
  BEGIN
    FOREACH t IN ARRAY ARRAY[${REFERENCING.map((t) => `'${t}'`).join(', ')}] LOOP
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE organisation_id = $1)', t) INTO referenced USING OLD.id;
      IF referenced THEN
        RAISE EXCEPTION 'update on table "organisation" violates the organisation reference from table "%"', t
          USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "%s".', OLD.id, t),
                TABLE = t, CONSTRAINT = t || '_organisation_id_fkey';
      END IF;
    END LOOP;
    RETURN NULL;
  END $$;

  DROP TRIGGER organisation_truncated ON organisation;
  DROP FUNCTION organisation_truncated();
  DROP FUNCTION organisation_references_readable();
`;

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

async function withDatabase(fn: (url: string, client: Client) => Promise<void>) {
  const name = `tracker_e2e_migrations_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: testServerUrls().postgres });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testServerUrls().postgres);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
    await fn(url.toString(), client);
  } finally {
    await client.end().catch(() => undefined);
    await dropDatabase(name);
  }
}

async function withDataSource<T>(url: string, migrations: Array<new () => unknown>, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migration',
    migrationsRun: false,
    synchronize: false,
    logging: false,
  });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

const migrate = (url: string, migrations: Array<new () => unknown>) =>
  withDataSource(url, migrations, async (ds) => (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name));

/** 0023's up once more, outside the migration table, as a re-run would. */
const runFinalFormAgain = (url: string) =>
  withDataSource(url, [], async (ds) => {
    const runner = ds.createQueryRunner();
    try {
      await runner.startTransaction();
      await new OrganisationReferencesFinalForm1795300000023().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  });

/** Every trigger function, trigger and foreign key, as PostgreSQL prints them back. */
async function catalogue(client: Client) {
  const functions = (
    await client.query(`SELECT p.proname, pg_get_functiondef(p.oid) AS def FROM pg_proc p
    WHERE p.pronamespace = current_schema()::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql') ORDER BY 1`)
  ).rows;
  const triggers = (
    await client.query(`SELECT tgrelid::regclass::text AS rel, tgname, tgenabled, pg_get_triggerdef(oid) AS def FROM pg_trigger
    WHERE NOT tgisinternal ORDER BY 1, 2`)
  ).rows;
  const keys = (
    await client.query(`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE contype = 'f' ORDER BY 1, 2`)
  ).rows;
  return { functions, triggers, keys };
}

/** An organisation with a row in each of the four tables that name it; returns its id. */
async function organisationWithRows(client: Client, key: string): Promise<string> {
  await client.query(`INSERT INTO cisa_region (region, office) VALUES (6, 'Dallas') ON CONFLICT DO NOTHING`);
  await client.query(`INSERT INTO us_state (code, name, region) VALUES ('TX', 'Texas', 6) ON CONFLICT DO NOTHING`);
  await client.query(`INSERT INTO product (code, name, family, kind) VALUES ('KES_ADVANCED', 'KES Advanced', 'KES', 'CATALOGUE') ON CONFLICT DO NOTHING`);
  await client.query(`INSERT INTO programme (key, name, regulation, announced, new_business_cutoff, updates_cutoff, milestone_plan)
    VALUES ('MIGRATIONS', 'Migrations', 'r', now(), now(), now(), '[]') ON CONFLICT DO NOTHING`);
  const [{ id: programme }] = (await client.query(`SELECT id FROM programme WHERE key = 'MIGRATIONS'`)).rows;
  const [{ id: org }] = (
    await client.query(
      `INSERT INTO organisation (external_key, name, primary_sector_code, state_code, size_band, criticality_tier, created_at, updated_at)
    VALUES ($1, 'Migrations', 'ENERGY', 'TX', 'SMALL', 2, now(), now()) RETURNING id`,
      [key],
    )
  ).rows;
  await client.query(
    `INSERT INTO milestone (organisation_id, programme_id, key, track, name, position, original_target_at, target_at, created_at, updated_at)
    VALUES ($1, $2, 'M', 'IT', 'm', 0, now(), now(), now(), now())`,
    [org, programme],
  );
  await client.query(
    `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at) VALUES ($1, 'PRIMARY', 'n', 'n@example.org', 'UTC', now(), now())`,
    [org],
  );
  await client.query(
    `INSERT INTO footprint (organisation_id, programme_id, product_code, environment, endpoint_count, endpoints_remaining, update_channel, created_at, updated_at)
    VALUES ($1, $2, 'KES_ADVANCED', 'IT', 3, 3, 'DIRECT', now(), now())`,
    [org, programme],
  );
  await client.query(`INSERT INTO organisation_status (organisation_id, programme_id, as_of, status) VALUES ($1, $2, now(), 'ON_TRACK')`, [org, programme]);
  return org;
}

async function rowsNaming(client: Client) {
  const counts: Record<string, number> = {};
  for (const t of REFERENCING) counts[t] = (await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return counts;
}

/** Under REPEATABLE READ: what deleting the organisation, and changing its id, answer (rolled back). */
async function underRepeatableRead(client: Client, org: string) {
  const attempt = async (sql: string) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      return await code(client.query(sql, [org]));
    } finally {
      await client.query('ROLLBACK');
    }
  };
  return {
    delete: await attempt(`DELETE FROM organisation WHERE id = $1`),
    idChange: await attempt(`UPDATE organisation SET id = gen_random_uuid() WHERE id = $1`),
  };
}

describe('migrations: 0023 brings either version of 0021 to its final form', () => {
  it('upgrades a database that ran the first version of 0021: REPEATABLE READ refused with 0A000, TRUNCATE organisation CASCADE empties the four tables; a second run is harmless', async () => {
    await withDatabase(async (url, client) => {
      expect(await migrate(url, THROUGH_0022)).toHaveLength(THROUGH_0022.length);
      const finalForm = await catalogue(client);
      await client.query(FIRST_VERSION_OF_0021);
      expect(await catalogue(client)).not.toEqual(finalForm);

      // the first version's gaps, as a database that ran it has them
      const org = await organisationWithRows(client, 'FIRST-1');
      expect(await underRepeatableRead(client, org)).toEqual({ delete: 'no error', idChange: '23503' });
      await client.query('BEGIN');
      await client.query('TRUNCATE organisation CASCADE');
      expect(await rowsNaming(client)).toEqual({ milestone: 1, contact: 1, footprint: 1, organisation_status: 1 });
      await client.query('ROLLBACK');

      expect(await migrate(url, THROUGH_0023)).toEqual(['OrganisationReferencesFinalForm1795300000023']);
      expect(await catalogue(client)).toEqual(finalForm);
      await runFinalFormAgain(url);
      expect(await catalogue(client)).toEqual(finalForm);
      expect(await migrate(url, THROUGH_0023)).toEqual([]);

      // (b) under REPEATABLE READ the cascade and the id check refuse; at READ COMMITTED the id check is the foreign key's
      expect(await underRepeatableRead(client, org)).toEqual({ delete: '0A000', idChange: '0A000' });
      expect(await code(client.query(`UPDATE organisation SET id = gen_random_uuid() WHERE id = $1`, [org]))).toBe('23503');
      expect(await rowsNaming(client)).toEqual({ milestone: 1, contact: 1, footprint: 1, organisation_status: 1 });
      // (a) TRUNCATE organisation CASCADE empties the four tables
      await organisationWithRows(client, 'FIRST-2');
      await client.query('TRUNCATE organisation CASCADE');
      expect(await rowsNaming(client)).toEqual({ milestone: 0, contact: 0, footprint: 0, organisation_status: 0 });

      // 0021's down still undoes it all after 0023 (whose down does nothing)
      await withDataSource(url, THROUGH_0023, async (ds) => {
        for (let i = 0; i < 3; i++) await ds.undoLastMigration({ transaction: 'each' });
      });
      const after = await catalogue(client);
      expect(after.functions.map((f) => f.proname).filter((n) => n.startsWith('organisation_'))).toEqual([]);
      expect(after.keys.map((k) => k.conname)).toEqual(expect.arrayContaining(REFERENCING.map((t) => `${t}_organisation_id_fkey`)));
    });
  });

  it('changes nothing on a database that already has the final form of 0021, run once or twice', async () => {
    await withDatabase(async (url, client) => {
      await migrate(url, THROUGH_0022);
      const finalForm = await catalogue(client);
      expect(await migrate(url, THROUGH_0023)).toEqual(['OrganisationReferencesFinalForm1795300000023']);
      expect(await catalogue(client)).toEqual(finalForm);
      await runFinalFormAgain(url);
      expect(await catalogue(client)).toEqual(finalForm);

      const org = await organisationWithRows(client, 'FINAL-1');
      expect(await underRepeatableRead(client, org)).toEqual({ delete: '0A000', idChange: '0A000' });
      await client.query('TRUNCATE organisation CASCADE');
      expect(await rowsNaming(client)).toEqual({ milestone: 0, contact: 0, footprint: 0, organisation_status: 0 });
    });
  });
});

describe('migrations: 0026 gives every webhook saved before it a secret of its own', () => {
  it('makes a distinct Standard Webhooks secret for each existing webhook, none for a preference without one, and its down removes them', async () => {
    await withDatabase(async (url, client) => {
      const at0026 = MIGRATIONS.findIndex((m) => m.name === 'WebhookSecretPerReceiver1795300000026');
      const through0026 = MIGRATIONS.slice(0, at0026 + 1);
      await migrate(url, MIGRATIONS.slice(0, at0026));
      const org = await organisationWithRows(client, 'HOOKS-1');
      const contacts = [];
      for (const role of ['EXECUTIVE', 'SECURITY_LEAD']) {
        contacts.push(
          (
            await client.query(
              `INSERT INTO contact (organisation_id, role, name, email, time_zone, created_at, updated_at) VALUES ($1, $2, 'n', $3, 'UTC', now(), now()) RETURNING id`,
              [org, role, `${role.toLowerCase()}@example.org`],
            )
          ).rows[0].id,
        );
      }
      const [withHook, withoutHook] = contacts;
      const [primary] = (await client.query(`SELECT id FROM contact WHERE organisation_id = $1 AND role = 'PRIMARY'`, [org])).rows;
      for (const [contact, hook] of [
        [primary.id, 'https://hooks.example/one'],
        [withHook, 'https://hooks.example/two'],
        [withoutHook, null],
      ]) {
        await client.query(`INSERT INTO notification_preference (contact_id, webhook_url, updated_at) VALUES ($1, $2, now())`, [contact, hook]);
      }
      const [escalation] = (
        await client.query(
          `INSERT INTO escalation_contact (kind, region, name, webhook_url, created_at) VALUES ('CISA_REGION', 6, 'R6', 'https://hooks.example/r6', now()) RETURNING id`,
        )
      ).rows;
      await client.query(
        `INSERT INTO escalation_contact (kind, region, name, email, created_at) VALUES ('CISA_REGION', 6, 'R6 mail', 'r6@cisa.example', now())`,
      );

      expect(await migrate(url, through0026)).toEqual(['WebhookSecretPerReceiver1795300000026']);
      const rows = (await client.query(`SELECT contact_id, escalation_contact_id, secret, issued_at, previous_secret FROM webhook_secret`)).rows;
      expect(rows.map((r) => r.contact_id ?? r.escalation_contact_id).sort()).toEqual([primary.id, withHook, escalation.id].sort());
      for (const r of rows) {
        expect(r.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
        expect(Buffer.from(r.secret.slice(6), 'base64')).toHaveLength(32);
        // never shown: the owner gets one with a rotation
        expect([r.issued_at, r.previous_secret]).toEqual([null, null]);
        // a secret the Standard Webhooks library takes as it is
        const body = '{"deliveryId":"1"}';
        const at = new Date();
        const signature = new Webhook(r.secret).sign('1', at, body);
        expect(
          new Webhook(r.secret).verify(body, {
            'webhook-id': '1',
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signature,
          }),
        ).toEqual({ deliveryId: '1' });
      }
      expect(new Set(rows.map((r) => r.secret)).size).toBe(3);
      // and they sign what the sender sends to those webhooks: the owner's by URL, none for an address no owner has
      const signing = async (organisation: string | null, subject: string, address: string) =>
        (await client.query(`SELECT webhook_signing_secrets($1, $2, $3, now()) AS s`, [organisation, subject, address])).rows[0].s;
      const secretOf = (id: string) => rows.find((r) => (r.contact_id ?? r.escalation_contact_id) === id).secret;
      expect(await signing(org, org, 'https://hooks.example/two')).toEqual([secretOf(withHook)]);
      expect(await signing(null, `digest:${escalation.id}`, 'https://hooks.example/r6')).toEqual([secretOf(escalation.id)]);
      expect(await signing(org, org, 'https://hooks.example/r6')).toEqual([]);

      await withDataSource(url, through0026, (ds) => ds.undoLastMigration({ transaction: 'each' }));
      expect((await client.query(`SELECT to_regclass('webhook_secret') AS t, to_regproc('webhook_signing_secrets') AS f`)).rows[0]).toEqual({
        t: null,
        f: null,
      });
    });
  });
});

describe('migrations: 0028 counts what is already there into the dashboard cells', () => {
  it('fills the cells from the rollups, keeps them through a deletion and a TRUNCATE, and its down removes them', async () => {
    await withDatabase(async (url, client) => {
      const at0028 = MIGRATIONS.findIndex((m) => m.name === 'DashboardCells1795300000028');
      await migrate(url, MIGRATIONS.slice(0, at0028));
      const [first, second] = [await organisationWithRows(client, 'CELLS-1'), await organisationWithRows(client, 'CELLS-2')];
      await client.query(`UPDATE organisation_status SET endpoints_total = 3, endpoints_remaining = 2 WHERE organisation_id = $1`, [first]);

      expect(await migrate(url, MIGRATIONS.slice(0, at0028 + 1))).toEqual(['DashboardCells1795300000028']);
      const figures = async () =>
        (
          await client.query(
            `SELECT COALESCE(sum(organisations), 0)::int AS n, COALESCE(sum(endpoints_remaining), 0)::int AS remaining FROM dashboard_sector_figures`,
          )
        ).rows[0];
      const differences = async () => (await client.query(`SELECT * FROM dashboard_cell_differences()`)).rows;
      expect(await figures()).toEqual({ n: 2, remaining: 2 });
      expect(await differences()).toEqual([]);

      await client.query(`DELETE FROM organisation WHERE id = $1`, [first]);
      expect(await figures()).toEqual({ n: 1, remaining: 0 });
      expect(await differences()).toEqual([]);
      expect((await client.query(`SELECT dashboard_cells_compact() AS n`)).rows[0].n).toBeGreaterThan(0);
      expect(await differences()).toEqual([]);

      await client.query('TRUNCATE organisation CASCADE');
      expect(await figures()).toEqual({ n: 0, remaining: 0 });
      expect(second).toBeTruthy();

      await withDataSource(url, MIGRATIONS.slice(0, at0028 + 1), (ds) => ds.undoLastMigration({ transaction: 'each' }));
      expect(
        (await client.query(`SELECT to_regclass('dashboard_cell') AS c, to_regclass('dashboard_cell_change') AS l, to_regproc('dashboard_cells_compact') AS f`))
          .rows[0],
      ).toEqual({ c: null, l: null, f: null });
    });
  });
});

describe('migrations: 0045 makes the programme dates calendar days', () => {
  it('keeps the day of a date held as midnight UTC (not the evening before in a US zone), and its down gives it back', async () => {
    await withDatabase(async (url, client) => {
      const at0045 = MIGRATIONS.findIndex((m) => m.name === 'ReferenceDataAtTheInstant1795300000045');
      await migrate(url, MIGRATIONS.slice(0, at0045));
      await client.query(`SET TIME ZONE 'America/Los_Angeles'`);
      await client.query(`INSERT INTO programme (key, name, regulation, announced, published, new_business_cutoff, updates_cutoff, milestone_plan)
        VALUES ('DATES', 'Dates', 'r', '2024-06-20T00:00:00Z', '2024-06-24T00:00:00Z', now(), now(), '[]')`);
      // what a reader in a US zone saw of the instant: the evening before
      expect((await client.query(`SELECT announced::date::text AS d FROM programme WHERE key = 'DATES'`)).rows[0].d).toBe('2024-06-19');

      expect(await migrate(url, MIGRATIONS.slice(0, at0045 + 1))).toEqual(['ReferenceDataAtTheInstant1795300000045']);
      expect(
        (await client.query(`SELECT announced::text AS a, published::text AS p, pg_typeof(announced)::text AS t FROM programme WHERE key = 'DATES'`)).rows[0],
      ).toEqual({ a: '2024-06-20', p: '2024-06-24', t: 'date' });

      await withDataSource(url, MIGRATIONS.slice(0, at0045 + 1), (ds) => ds.undoLastMigration({ transaction: 'each' }));
      await client.query(`SET TIME ZONE 'UTC'`);
      expect((await client.query(`SELECT to_char(announced, 'YYYY-MM-DD"T"HH24:MI') AS a FROM programme WHERE key = 'DATES'`)).rows[0].a).toBe(
        '2024-06-20T00:00',
      );
    });
  });
});

describe("migrations: 0061 keeps the planner's marks in a table of their own", () => {
  it("copies each mark, drops the columns and the triggers' exception for them, cascades a deletion, and its down gives it all back", async () => {
    await withDatabase(async (url, client) => {
      const at0061 = MIGRATIONS.findIndex((m) => m.name === 'PlannerMarksInATableOfTheirOwn1795300000061');
      await migrate(url, MIGRATIONS.slice(0, at0061));
      const [marked, unmarked] = [await organisationWithRows(client, 'PLAN-1'), await organisationWithRows(client, 'PLAN-2')];
      await client.query(`UPDATE organisation_status SET plan_due_at = '2024-09-01T00:00:00Z', plan_version = 3 WHERE organisation_id = $1`, [marked]);
      const columns = async () =>
        (
          await client.query(
            `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'organisation_status' AND column_name LIKE 'plan\\_%' ORDER BY 1`,
          )
        ).rows.map((r) => r.c);
      const exceptions = async () =>
        (
          await client.query(
            `SELECT tgname FROM pg_trigger WHERE tgrelid = 'organisation_status'::regclass AND pg_get_triggerdef(oid) LIKE '%plan_marks_only%' ORDER BY 1`,
          )
        ).rows.map((r) => r.tgname);
      const updated = ['dashboard_cells_status_updated', 'dashboard_product_cells_status_updated'];
      expect(await exceptions()).toEqual(updated);

      expect(await migrate(url, MIGRATIONS.slice(0, at0061 + 1))).toEqual(['PlannerMarksInATableOfTheirOwn1795300000061']);
      const plans = async () =>
        (await client.query(`SELECT organisation_id AS id, plan_due_at AS due, plan_version AS version FROM organisation_plan ORDER BY plan_version DESC`))
          .rows;
      expect(await plans()).toEqual([
        { id: marked, due: new Date('2024-09-01T00:00:00Z'), version: 3 },
        { id: unmarked, due: null, version: 0 },
      ]);
      expect(await columns()).toEqual([]);
      expect(await exceptions()).toEqual([]);
      // a new status row comes with its plan row, due at the next pass
      const added = await organisationWithRows(client, 'PLAN-3');
      expect((await plans()).find((r) => r.id === added)).toEqual({ id: added, due: null, version: 0 });
      // the status triggers count every update again; a mark is no update of a status row
      await client.query(`UPDATE organisation_plan SET plan_due_at = now() WHERE organisation_id = $1`, [unmarked]);
      expect((await client.query(`SELECT * FROM dashboard_cell_differences()`)).rows).toEqual([]);

      // a row names a status row: gone with the organisation, refused without one
      await client.query(`DELETE FROM organisation WHERE id = $1`, [unmarked]);
      expect((await plans()).map((r) => r.id)).toEqual([marked, added]);
      expect(await code(client.query(`INSERT INTO organisation_plan (organisation_id, programme_id) VALUES ($1, gen_random_uuid())`, [marked]))).toBe('23503');

      await withDataSource(url, MIGRATIONS.slice(0, at0061 + 1), (ds) => ds.undoLastMigration({ transaction: 'each' }));
      expect(await columns()).toEqual(['plan_due_at', 'plan_version']);
      expect(await exceptions()).toEqual(updated);
      expect(
        (await client.query(`SELECT plan_due_at AS due, plan_version AS version FROM organisation_status WHERE organisation_id = $1`, [marked])).rows,
      ).toEqual([{ due: new Date('2024-09-01T00:00:00Z'), version: 3 }]);
      expect((await client.query(`SELECT to_regclass('organisation_plan') AS t`)).rows[0].t).toBeNull();
      expect((await client.query(`SELECT * FROM dashboard_cell_differences()`)).rows).toEqual([]);
    });
  });
});
