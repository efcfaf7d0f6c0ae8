import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['milestone', 'footprint', 'organisation_status'];

/**
 * Milestones, footprint rows and status rollups still always name an existing programme, but that is
 * now checked once per statement instead of once per row. A foreign key runs a lookup for every row:
 * an import of 200,000 organisations writes 1.4 million milestones and 200,000 rollups, all naming the
 * same one programme, and those lookups were about a third of the milestone insert, its largest part.
 *
 * What the foreign keys did, the triggers do: an insert (or an update that changes programme_id) fails
 * with 23503 when the programme does not exist, and locks the programmes it names FOR KEY SHARE until
 * commit, so that none is deleted underneath; deleting a programme, or changing its id, fails while a
 * row of these tables names it (checked at the end of the statement, like NO ACTION).
 */
export class ProgrammeReferencesPerStatement1795300000008 implements MigrationInterface {
  name = 'ProgrammeReferencesPerStatement1795300000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION programme_reference_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing uuid;
      BEGIN
        PERFORM 1 FROM programme WHERE id IN (SELECT DISTINCT programme_id FROM new_rows) FOR KEY SHARE;
        SELECT n.programme_id INTO missing FROM (SELECT DISTINCT programme_id FROM new_rows) n
          WHERE NOT EXISTS (SELECT 1 FROM programme p WHERE p.id = n.programme_id) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert or update on table "%" violates the programme reference', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (programme_id)=(%s) is not present in table "programme".', missing),
                  TABLE = TG_TABLE_NAME, CONSTRAINT = TG_TABLE_NAME || '_programme_id_fkey';
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION programme_reference_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM programme WHERE id = NEW.programme_id FOR KEY SHARE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'insert or update on table "%" violates the programme reference', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (programme_id)=(%s) is not present in table "programme".', NEW.programme_id),
                  TABLE = TG_TABLE_NAME, CONSTRAINT = TG_TABLE_NAME || '_programme_id_fkey';
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION programme_still_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        t text;
        referenced boolean;
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
          RETURN NULL;
        END IF;
        FOREACH t IN ARRAY ARRAY[${TABLES.map((t) => `'${t}'`).join(', ')}] LOOP
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE programme_id = $1)', t) INTO referenced USING OLD.id;
          IF referenced THEN
            RAISE EXCEPTION 'update or delete on table "programme" violates the programme reference from table "%"', t
              USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "%s".', OLD.id, t),
                    TABLE = t, CONSTRAINT = t || '_programme_id_fkey';
          END IF;
        END LOOP;
        RETURN NULL;
      END $$;

      CREATE TRIGGER programme_still_referenced AFTER DELETE OR UPDATE OF id ON programme
        FOR EACH ROW EXECUTE FUNCTION programme_still_referenced();
    `);
    for (const t of TABLES) {
      await q.query(`
        ALTER TABLE ${t} DROP CONSTRAINT ${t}_programme_id_fkey;
        CREATE TRIGGER ${t}_programme_inserted AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION programme_reference_inserted();
        CREATE TRIGGER ${t}_programme_updated AFTER UPDATE OF programme_id ON ${t}
          FOR EACH ROW WHEN (OLD.programme_id IS DISTINCT FROM NEW.programme_id) EXECUTE FUNCTION programme_reference_updated();
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(`
        DROP TRIGGER ${t}_programme_inserted ON ${t};
        DROP TRIGGER ${t}_programme_updated ON ${t};
        ALTER TABLE ${t} ADD CONSTRAINT ${t}_programme_id_fkey FOREIGN KEY (programme_id) REFERENCES programme(id);
      `);
    }
    await q.query(`
      DROP TRIGGER programme_still_referenced ON programme;
      DROP FUNCTION programme_still_referenced();
      DROP FUNCTION programme_reference_updated();
      DROP FUNCTION programme_reference_inserted();
    `);
  }
}
