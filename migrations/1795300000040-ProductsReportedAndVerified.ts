import { MigrationInterface, QueryRunner } from 'typeorm';

/** Helpers in the manner of 0028's (copied: a landed migration is never edited, nor imported from). */
const list = (names: string[], prefix = '') => names.map((k) => `${prefix}${k}`).join(', ');
const anyNonZero = (sums: string[]) => sums.map((k) => `sum(${k}) <> 0`).join(' OR ');
const ordinals = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');
/** Folds the rows `moved` out of a change log into a table of cells keyed by `keys`. */
const fold = (table: string, keys: string[], sums: string[], moved: string) =>
  `INSERT INTO ${table} (${list([...keys, ...sums])})
   SELECT ${list(keys)}, ${sums.map((k) => `sum(${k})`).join(', ')} FROM ${moved}
   GROUP BY ${list(keys)} ORDER BY ${list(keys)}
   ON CONFLICT (${list(keys)}) DO UPDATE SET ${sums.map((k) => `${k} = ${table}.${k} + EXCLUDED.${k}`).join(', ')}`;

/*
 * The product cells (this migration).
 */
const P_KEYS = ['programme_id', 'product_code', 'vendor', 'primary_sector_code', 'secondary_sector_codes', 'status', 'removal_verified'];
const P_SUMS = ['organisations', 'endpoints_total', 'endpoints_remaining', 'verified_total', 'verified_remaining', 'reports_stale', 'verifications_stale'];
const P_COLUMNS = [...P_KEYS, ...P_SUMS];
/** A status row's columns that product cells read: a row updated with none of them changed is no change. */
const P_COUNTED = ['status', 'removal_verified', 'products', 'report_stale'];
/**
 * The product cells of status rows `s` of organisations `o` (columns of `o`: primary_sector_code,
 * secondary_sector_codes), counted `sign` times: one per entry of s.products (libs/status: the
 * organisation's footprint by product and white-label vendor, with "*" for all of it).
 */
const productFiguresOf = (s: string, o: string, sign: 1 | -1, from: string, where = 'TRUE') =>
  `SELECT ${s}.programme_id, e->>0, e->>1, ${o}.primary_sector_code, ${o}.secondary_sector_codes, ${s}.status, ${s}.removal_verified,
          ${sign} * count(*), ${sign} * sum((e->>2)::bigint), ${sign} * sum((e->>3)::bigint), ${sign} * sum((e->>4)::bigint), ${sign} * sum((e->>5)::bigint),
          ${sign} * count(*) FILTER (WHERE ${s}.report_stale), ${sign} * count(*) FILTER (WHERE (e->>6)::boolean)
   FROM ${from} CROSS JOIN LATERAL jsonb_array_elements(${s}.products) e
   WHERE ${where} GROUP BY ${ordinals(7)}`;
const productAppend = (changes: string) =>
  `INSERT INTO dashboard_product_cell_change (${list(P_COLUMNS)})
   SELECT ${list(P_KEYS)}, ${P_SUMS.map((k) => `sum(${k})`).join(', ')}
   FROM (${changes}) AS x(${list(P_COLUMNS)})
   GROUP BY ${list(P_KEYS)}
   HAVING ${anyNonZero(P_SUMS)}`;
const organisationOf = (s: string) =>
  `CROSS JOIN LATERAL (SELECT primary_sector_code, secondary_sector_codes FROM organisation WHERE id = ${s}.organisation_id AND archived_at IS NULL LIMIT 1) o`;
const statusesOf = (o: string) => `CROSS JOIN LATERAL (SELECT * FROM organisation_status WHERE organisation_id = ${o}.id OFFSET 0) s`;
const unchangedIn = (other: string, s: string) =>
  `NOT EXISTS (SELECT 1 FROM ${other} n WHERE n.organisation_id = ${s}.organisation_id AND n.programme_id = ${s}.programme_id
     AND (${list(P_COUNTED, 'n.')}) IS NOT DISTINCT FROM (${list(P_COUNTED, `${s}.`)}))`;

/**
 * dashboard_cells_compact() and dashboard_cell_differences() as they stand before this migration (0028's,
 * or whatever a migration between replaced them with) are kept under other names, and wrapped: the new
 * ones do what the old ones did and the same for the product cells. The advisory lock of the fold is
 * taken again inside the old one, which a session already holding it is granted.
 */
const WRAPPED = `
  ALTER FUNCTION dashboard_cells_compact() RENAME TO dashboard_cells_compact_without_products;
  ALTER FUNCTION dashboard_cell_differences() RENAME TO dashboard_cell_differences_without_products;

  CREATE FUNCTION dashboard_cells_compact() RETURNS integer LANGUAGE plpgsql SET jit = off AS $$
  DECLARE
    folded integer;
    folded_products integer;
  BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('dashboard_cells_compact')) THEN RETURN 0; END IF;
    folded := dashboard_cells_compact_without_products();
    WITH moved_products AS (DELETE FROM dashboard_product_cell_change RETURNING *),
    product_cells AS (${fold('dashboard_product_cell', P_KEYS, P_SUMS, 'moved_products')})
    SELECT count(*)::int INTO folded_products FROM moved_products;
    DELETE FROM dashboard_product_cell WHERE organisations = 0;
    RETURN folded + folded_products;
  END $$;

  CREATE FUNCTION dashboard_cell_differences()
  RETURNS TABLE (grain text, programme_id uuid, primary_sector_code text, secondary_sector_codes text[], state_code char(2), environment text, status text,
                 removal_verified boolean, kept bigint[], fresh bigint[])
  LANGUAGE sql STABLE AS $$
    WITH kept_products AS (
      SELECT ${list(P_KEYS)}, ARRAY[${P_SUMS.map((k) => `sum(${k})`).join(', ')}]::bigint[] AS figures
      FROM dashboard_product_figures GROUP BY ${list(P_KEYS)} HAVING ${anyNonZero(P_SUMS)}),
    fresh_products AS (SELECT ${list(P_KEYS)}, ARRAY[${list(P_SUMS)}]::bigint[] AS figures FROM dashboard_product_cell_fresh)
    SELECT * FROM dashboard_cell_differences_without_products()
    UNION ALL
    SELECT 'product cell ' || COALESCE(k.product_code, f.product_code) || ' ' || COALESCE(k.vendor, f.vendor),
           COALESCE(k.programme_id, f.programme_id), COALESCE(k.primary_sector_code, f.primary_sector_code), COALESCE(k.secondary_sector_codes, f.secondary_sector_codes),
           NULL, NULL, COALESCE(k.status, f.status), COALESCE(k.removal_verified, f.removal_verified), k.figures, f.figures
    FROM kept_products k FULL JOIN fresh_products f USING (${list(P_KEYS)})
    WHERE k.figures IS DISTINCT FROM f.figures
  $$;`;

const UNWRAPPED = `
  DROP FUNCTION dashboard_cell_differences();
  DROP FUNCTION dashboard_cells_compact();
  ALTER FUNCTION dashboard_cells_compact_without_products() RENAME TO dashboard_cells_compact;
  ALTER FUNCTION dashboard_cell_differences_without_products() RENAME TO dashboard_cell_differences;`;

/**
 * Issue 18: which organisations run which product, and reported versus verified counts.
 *
 * - footprint: a liaison's verified remaining count beside the reported one (`verified_remaining`, who
 *   verified it and when). The reported count stays the organisation's own word.
 * - organisation_status: what the product figures read of an organisation, kept with its rollup (so in
 *   the transaction of every change, and hourly): `products`, one entry per product (and per white-label
 *   vendor) it runs, plus "*" for its whole footprint: [code, vendor, endpoints, remaining, endpoints of
 *   verified rows, their verified remaining, verification stale]; and `report_stale` (no report, a stale
 *   one, or an extension's status report missing, as its derived status says).
 * - dashboard_product_cell: 0028's cells for the product and white-label vendor breakdowns, keyed by
 *   product, vendor ('' for a product's own row; a white-label engine's rows are also counted under
 *   WHITE_LABEL and their vendor), primary and secondary sectors (a liaison's scope),
 *   status and removal verified; the same change log (dashboard_product_cell_change), triggers on the same
 *   two tables, folded by dashboard_cells_compact(); and dashboard_cell_differences() now lists
 *   product cells that differ from a fresh GROUP BY too ('product cell <code> <vendor>' as the grain). An
 *   organisation counts once per product row; the "*" rows count each organisation once.
 *
 * Existing rollups get their products from the footprint here (no verification exists yet, so every row
 * with a footprint is "verification stale"); report_stale from the stored reasons.
 */
export class ProductsReportedAndVerified1795300000040 implements MigrationInterface {
  name = 'ProductsReportedAndVerified1795300000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE footprint
        ADD COLUMN verified_remaining int CHECK (verified_remaining >= 0),
        ADD COLUMN verified_by text,
        ADD COLUMN verified_at timestamptz,
        ADD CONSTRAINT footprint_verification_complete CHECK ((verified_remaining IS NULL) = (verified_at IS NULL) AND (verified_at IS NULL) = (verified_by IS NULL));
      CREATE INDEX footprint_product_idx ON footprint (programme_id, product_code, organisation_id);

      ALTER TABLE organisation_status
        ADD COLUMN products jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN report_stale boolean NOT NULL DEFAULT false;
      UPDATE organisation_status s SET
        report_stale = EXISTS (SELECT 1 FROM jsonb_array_elements(s.reasons) r WHERE r->>'code' IN ('STALE_REPORT', 'NO_REPORT', 'EXTENSION_REPORT_MISSING')),
        products = (
          SELECT jsonb_build_array(jsonb_build_array('*', '', COALESCE(sum(f.endpoint_count), 0), COALESCE(sum(f.endpoints_remaining), 0), 0, 0, count(f.id) > 0))
                 || COALESCE((SELECT jsonb_agg(jsonb_build_array(g.code, g.vendor, g.total, g.remaining, 0, 0, true) ORDER BY g.code, g.vendor)
                              FROM (SELECT f2.product_code AS code, v.vendor, sum(f2.endpoint_count) AS total, sum(f2.endpoints_remaining) AS remaining
                                    FROM footprint f2 CROSS JOIN LATERAL (SELECT '' AS vendor UNION ALL SELECT COALESCE(btrim(f2.vendor), '') WHERE f2.product_code = 'WHITE_LABEL') v
                                    WHERE f2.organisation_id = s.organisation_id AND f2.programme_id = s.programme_id GROUP BY 1, 2) g), '[]'::jsonb)
          FROM footprint f WHERE f.organisation_id = s.organisation_id AND f.programme_id = s.programme_id);

      CREATE TABLE dashboard_product_cell (
        programme_id uuid NOT NULL,
        product_code text NOT NULL,
        vendor text NOT NULL,
        primary_sector_code text NOT NULL,
        secondary_sector_codes text[] NOT NULL,
        status text NOT NULL,
        removal_verified boolean NOT NULL,
        ${P_SUMS.map((k) => `${k} bigint NOT NULL`).join(', ')},
        PRIMARY KEY (${list(P_KEYS)})
      );
      CREATE TABLE dashboard_product_cell_change (LIKE dashboard_product_cell);
      CREATE VIEW dashboard_product_figures AS
        SELECT ${list(P_COLUMNS)}, 0 AS pending FROM dashboard_product_cell
        UNION ALL
        SELECT ${list(P_COLUMNS)}, 1 AS pending FROM dashboard_product_cell_change;

      CREATE FUNCTION dashboard_product_cells_status_inserted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${productAppend(productFiguresOf('s', 'o', 1, `new_rows s ${organisationOf('s')}`))};
        RETURN NULL;
      END $$;
      CREATE FUNCTION dashboard_product_cells_status_deleted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${productAppend(productFiguresOf('s', 'o', -1, `old_rows s ${organisationOf('s')}`))};
        RETURN NULL;
      END $$;
      CREATE FUNCTION dashboard_product_cells_status_updated() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${productAppend(`${productFiguresOf('s', 'o', -1, `old_rows s ${organisationOf('s')}`, unchangedIn('new_rows', 's'))}
          UNION ALL
          ${productFiguresOf('s', 'o', 1, `new_rows s ${organisationOf('s')}`, unchangedIn('old_rows', 's'))}`)};
        RETURN NULL;
      END $$;
      CREATE FUNCTION dashboard_product_cells_organisation_updated() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${productAppend(`
          WITH moved AS (
            SELECT b.id, b.primary_sector_code AS b_p, b.secondary_sector_codes AS b_s, b.archived_at IS NULL AS b_in,
                   a.primary_sector_code AS a_p, a.secondary_sector_codes AS a_s, a.archived_at IS NULL AS a_in
            FROM old_rows b JOIN new_rows a ON a.id = b.id
            WHERE (b.primary_sector_code, b.secondary_sector_codes, b.archived_at IS NULL)
              IS DISTINCT FROM (a.primary_sector_code, a.secondary_sector_codes, a.archived_at IS NULL))
          ${productFiguresOf('s', 'o', -1, `moved m ${statusesOf('m')} CROSS JOIN LATERAL (SELECT m.b_p AS primary_sector_code, m.b_s AS secondary_sector_codes) o`, 'm.b_in')}
          UNION ALL
          ${productFiguresOf('s', 'o', 1, `moved m ${statusesOf('m')} CROSS JOIN LATERAL (SELECT m.a_p AS primary_sector_code, m.a_s AS secondary_sector_codes) o`, 'm.a_in')}`)};
        RETURN NULL;
      END $$;
      CREATE FUNCTION dashboard_product_cells_organisation_deleted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${productAppend(productFiguresOf('s', 'o', -1, `old_rows o ${statusesOf('o')}`, 'o.archived_at IS NULL'))};
        RETURN NULL;
      END $$;
      CREATE FUNCTION dashboard_product_cells_emptied() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        DELETE FROM dashboard_product_cell;
        DELETE FROM dashboard_product_cell_change;
        RETURN NULL;
      END $$;

      CREATE TRIGGER dashboard_product_cells_status_inserted AFTER INSERT ON organisation_status REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_product_cells_status_inserted();
      CREATE TRIGGER dashboard_product_cells_status_updated AFTER UPDATE ON organisation_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT WHEN (coalesce(current_setting('tracker.plan_marks_only', true), '') <> 'on')
        EXECUTE FUNCTION dashboard_product_cells_status_updated();
      CREATE TRIGGER dashboard_product_cells_status_deleted AFTER DELETE ON organisation_status REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_product_cells_status_deleted();
      CREATE TRIGGER dashboard_product_cells_status_truncated AFTER TRUNCATE ON organisation_status
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_product_cells_emptied();
      CREATE TRIGGER dashboard_product_cells_organisation_updated AFTER UPDATE ON organisation REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_product_cells_organisation_updated();
      -- before organisation_deleted (name order), while the organisation's status rows are still there
      CREATE TRIGGER dashboard_product_cells_organisation_deleted AFTER DELETE ON organisation REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_product_cells_organisation_deleted();
      CREATE TRIGGER dashboard_product_cells_organisation_truncated AFTER TRUNCATE ON organisation
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_product_cells_emptied();

      CREATE VIEW dashboard_product_cell_fresh (${list(P_COLUMNS)}) AS
        ${productFiguresOf('s', 'o', 1, 'organisation_status s JOIN organisation o ON o.id = s.organisation_id', 'o.archived_at IS NULL')};

      ${WRAPPED}

      INSERT INTO dashboard_product_cell (${list(P_COLUMNS)}) SELECT * FROM dashboard_product_cell_fresh;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${UNWRAPPED}
      DROP VIEW dashboard_product_cell_fresh;
      DROP TRIGGER dashboard_product_cells_status_inserted ON organisation_status;
      DROP TRIGGER dashboard_product_cells_status_updated ON organisation_status;
      DROP TRIGGER dashboard_product_cells_status_deleted ON organisation_status;
      DROP TRIGGER dashboard_product_cells_status_truncated ON organisation_status;
      DROP TRIGGER dashboard_product_cells_organisation_updated ON organisation;
      DROP TRIGGER dashboard_product_cells_organisation_deleted ON organisation;
      DROP TRIGGER dashboard_product_cells_organisation_truncated ON organisation;
      DROP FUNCTION dashboard_product_cells_status_inserted(), dashboard_product_cells_status_updated(), dashboard_product_cells_status_deleted(),
        dashboard_product_cells_organisation_updated(), dashboard_product_cells_organisation_deleted(), dashboard_product_cells_emptied();
      DROP VIEW dashboard_product_figures;
      DROP TABLE dashboard_product_cell_change, dashboard_product_cell;
      ALTER TABLE organisation_status DROP COLUMN products, DROP COLUMN report_stale;
      DROP INDEX footprint_product_idx;
      ALTER TABLE footprint DROP CONSTRAINT footprint_verification_complete, DROP COLUMN verified_remaining, DROP COLUMN verified_by, DROP COLUMN verified_at;
    `);
  }
}
