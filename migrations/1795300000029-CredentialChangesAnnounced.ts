import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a credential (revoked, expiry moved, deleted, the table truncated) is announced on the
 * `api_credential_changed` channel when its transaction commits, whatever wrote it (the API, the CLI,
 * an operator's SQL): each API process listens and drops what it remembers of that credential at once
 * (libs/access/credential-cache.ts).
 */
export class CredentialChangesAnnounced1795300000029 implements MigrationInterface {
  name = 'CredentialChangesAnnounced1795300000029';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION api_credential_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('api_credential_changed', '*');
        ELSE
          PERFORM pg_notify('api_credential_changed', OLD.id::text);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER api_credential_changed AFTER UPDATE OR DELETE ON api_credential FOR EACH ROW EXECUTE FUNCTION api_credential_changed();
      CREATE TRIGGER api_credential_truncated AFTER TRUNCATE ON api_credential FOR EACH STATEMENT EXECUTE FUNCTION api_credential_changed();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER api_credential_truncated ON api_credential;
      DROP TRIGGER api_credential_changed ON api_credential;
      DROP FUNCTION api_credential_changed();
    `);
  }
}
