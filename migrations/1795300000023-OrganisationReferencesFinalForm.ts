import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables with the most rows per organisation, as in migration 0021. */
const TABLES = ['milestone', 'contact', 'footprint', 'organisation_status'];

/**
 * Migration 0021 was edited after it landed (8153191 → acd4d8a), so a database that ran its first
 * version has neither of the later additions. This brings a database that ran either version to the
 * final one; on a database that already has it, it replaces every object with an identical one.
 *
 * What the first version lacks (the rest of 0021 is the same in both):
 * - organisation_references_readable(): refuses (0A000, feature_not_supported) outside READ COMMITTED;
 * - organisation_deleted() and organisation_id_still_referenced() call it first, so the emulated
 *   cascade and the id check refuse under REPEATABLE READ / SERIALIZABLE instead of missing a row
 *   committed after the snapshot;
 * - organisation_truncated() and its AFTER TRUNCATE trigger on organisation: TRUNCATE organisation
 *   CASCADE empties milestone, contact, footprint and organisation_status too.
 *
 * The function bodies are 0021's final ones, character for character. search_path is not pinned on
 * them: 0021's final form does not pin it (nor do 0008's programme triggers), the tables live in
 * whatever schema the deployment's search_path named when 0021 ran, and the functions are not
 * SECURITY DEFINER, so a pin would change their definition on every database for no protection.
 */
export class OrganisationReferencesFinalForm1795300000023 implements MigrationInterface {
  name = 'OrganisationReferencesFinalForm1795300000023';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION organisation_references_readable() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'deleting organisations or changing their ids needs READ COMMITTED (this transaction is %)', current_setting('transaction_isolation')
            USING ERRCODE = 'feature_not_supported', HINT = 'the rows that name an organisation are checked as of each statement';
        END IF;
      END $$;

      CREATE OR REPLACE FUNCTION organisation_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM organisation_references_readable();
        ${TABLES.map((t) => `DELETE FROM ${t} WHERE organisation_id IN (SELECT id FROM old_rows);`).join('\n        ')}
        RETURN NULL;
      END $$;

      CREATE OR REPLACE FUNCTION organisation_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${TABLES.map((t) => `DELETE FROM ${t};`).join('\n        ')}
        RETURN NULL;
      END $$;

      CREATE OR REPLACE FUNCTION organisation_id_still_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        t text;
        referenced boolean;
      BEGIN
        PERFORM organisation_references_readable();
        FOREACH t IN ARRAY ARRAY[${TABLES.map((t) => `'${t}'`).join(', ')}] LOOP
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE organisation_id = $1)', t) INTO referenced USING OLD.id;
          IF referenced THEN
            RAISE EXCEPTION 'update on table "organisation" violates the organisation reference from table "%"', t
              USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "%s".', OLD.id, t),
                    TABLE = t, CONSTRAINT = t || '_organisation_id_fkey';
          END IF;
        END LOOP;
        RETURN NULL;
      END $$;

      DROP TRIGGER IF EXISTS organisation_truncated ON organisation;
      CREATE TRIGGER organisation_truncated AFTER TRUNCATE ON organisation
        FOR EACH STATEMENT EXECUTE FUNCTION organisation_truncated();
    `);
  }

  async down(): Promise<void> {
    // Nothing to undo: every object this creates or replaces belongs to 0021 in its final form, and
    // 0021's own down drops all of them (it expects organisation_truncated and
    // organisation_references_readable to exist, which after this migration they do).
  }
}
