import { MigrationInterface, QueryRunner } from 'typeorm';

/** 0028's keys and sums (copied: a landed migration is never edited, nor imported from). */
const KEYS = ['programme_id', 'primary_sector_code', 'secondary_sector_codes', 'state_code', 'environment', 'status', 'removal_verified'];
const SECTOR_KEYS = KEYS.filter((k) => k !== 'state_code');
/** The state cells' keys: all but the sectors. */
const STATE_KEYS = KEYS.filter((k) => k !== 'primary_sector_code' && k !== 'secondary_sector_codes');
const SUMS = [
  'organisations',
  'endpoints_total',
  'endpoints_remaining',
  'ot_total',
  'ot_remaining',
  'milestones_not_started',
  'milestones_in_progress',
  'milestones_done',
  'milestones_blocked',
  'milestones_overdue',
];
const STATE_COLUMNS = [...STATE_KEYS, ...SUMS, 'as_of'];
const list = (names: string[], prefix = '') => names.map((k) => `${prefix}${k}`).join(', ');
const sums = () => SUMS.map((k) => `sum(${k})`).join(', ');
const anyNonZero = SUMS.map((k) => `sum(${k}) <> 0`).join(' OR ');
/** Folds the rows `moved` out of the log into a table of cells keyed by `keys` (0028's). */
const fold = (table: string, keys: string[]) =>
  `INSERT INTO ${table} (${list([...keys, ...SUMS, 'as_of'])})
   SELECT ${list(keys)}, ${sums()}, max(as_of) FROM moved
   GROUP BY ${list(keys)} ORDER BY ${list(keys)}
   ON CONFLICT (${list(keys)}) DO UPDATE SET ${SUMS.map((k) => `${k} = ${table}.${k} + EXCLUDED.${k}`).join(', ')}, as_of = GREATEST(${table}.as_of, EXCLUDED.as_of)`;

/** The fold of the organisation cells (0028's dashboard_cells_compact, renamed by 0040), with or without the state cells. */
const compact = (withState: boolean) => `
  CREATE OR REPLACE FUNCTION dashboard_cells_compact_without_products() RETURNS integer LANGUAGE plpgsql SET jit = off AS $$
  DECLARE
    folded integer;
  BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('dashboard_cells_compact')) THEN RETURN 0; END IF;
    WITH moved AS (DELETE FROM dashboard_cell_change RETURNING *),
    cells AS (${fold('dashboard_cell', KEYS)}),
    ${withState ? `state_cells AS (${fold('dashboard_state_cell', STATE_KEYS)}),` : ''}
    sector_cells AS (${fold('dashboard_sector_cell', SECTOR_KEYS)})
    SELECT count(*)::int INTO folded FROM moved;
    DELETE FROM dashboard_cell WHERE organisations = 0;
    ${withState ? 'DELETE FROM dashboard_state_cell WHERE organisations = 0;' : ''}
    DELETE FROM dashboard_sector_cell WHERE organisations = 0;
    RETURN folded;
  END $$;`;

/** What TRUNCATE of organisation or organisation_status does to the cells (0028's), with or without the state cells. */
const emptied = (withState: boolean) => `
  CREATE OR REPLACE FUNCTION dashboard_cells_emptied() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
  BEGIN
    DELETE FROM dashboard_cell;
    DELETE FROM dashboard_sector_cell;
    ${withState ? 'DELETE FROM dashboard_state_cell;' : ''}
    DELETE FROM dashboard_cell_change;
    RETURN NULL;
  END $$;`;

/** Every cell of the organisation cell tables that differs from a fresh GROUP BY (0028's, renamed by 0040), with or without the state cells. */
const differences = (withState: boolean) => `
  CREATE OR REPLACE FUNCTION dashboard_cell_differences_without_products()
  RETURNS TABLE (grain text, programme_id uuid, primary_sector_code text, secondary_sector_codes text[], state_code char(2), environment text, status text,
                 removal_verified boolean, kept bigint[], fresh bigint[])
  LANGUAGE sql STABLE AS $$
    WITH kept AS (
      SELECT ${list(KEYS)}, ARRAY[${sums()}]::bigint[] AS figures
      FROM dashboard_figures GROUP BY ${list(KEYS)} HAVING ${anyNonZero}),
    kept_by_sector AS (
      SELECT ${list(SECTOR_KEYS)}, ARRAY[${sums()}]::bigint[] AS figures
      FROM dashboard_sector_figures GROUP BY ${list(SECTOR_KEYS)} HAVING ${anyNonZero}),
    fresh AS (SELECT ${list(KEYS)}, ARRAY[${list(SUMS)}]::bigint[] AS figures FROM dashboard_cell_fresh),
    fresh_by_sector AS (
      SELECT ${list(SECTOR_KEYS)}, ARRAY[${sums()}]::bigint[] AS figures
      FROM dashboard_cell_fresh GROUP BY ${list(SECTOR_KEYS)})
    ${
      withState
        ? `, kept_by_state AS (
      SELECT ${list(STATE_KEYS)}, ARRAY[${sums()}]::bigint[] AS figures
      FROM dashboard_state_figures GROUP BY ${list(STATE_KEYS)} HAVING ${anyNonZero}),
    fresh_by_state AS (
      SELECT ${list(STATE_KEYS)}, ARRAY[${sums()}]::bigint[] AS figures
      FROM dashboard_cell_fresh GROUP BY ${list(STATE_KEYS)})`
        : ''
    }
    SELECT 'cell', ${KEYS.map((k) => `COALESCE(k.${k}, f.${k})`).join(', ')}, k.figures, f.figures
    FROM kept k FULL JOIN fresh f USING (${list(KEYS)})
    WHERE k.figures IS DISTINCT FROM f.figures
    UNION ALL
    SELECT 'sector cell', ${KEYS.map((k) => (k === 'state_code' ? 'NULL' : `COALESCE(k.${k}, f.${k})`)).join(', ')}, k.figures, f.figures
    FROM kept_by_sector k FULL JOIN fresh_by_sector f USING (${list(SECTOR_KEYS)})
    WHERE k.figures IS DISTINCT FROM f.figures
    ${
      withState
        ? `UNION ALL
    SELECT 'state cell', ${KEYS.map((k) => (STATE_KEYS.includes(k) ? `COALESCE(k.${k}, f.${k})` : 'NULL')).join(', ')}, k.figures, f.figures
    FROM kept_by_state k FULL JOIN fresh_by_state f USING (${list(STATE_KEYS)})
    WHERE k.figures IS DISTINCT FROM f.figures`
        : ''
    }
  $$;`;

/**
 * Issue 16: the breakdowns by state and by CISA region added up 0028's full cells (~6,500 rows at
 * 200,000 organisations, p95 70 and 53 ms under load where the target is 50), since the sector cells
 * have no state. dashboard_state_cell holds the same figures without the sectors (programme, state,
 * environment, status, removal verified: a few hundred rows), for the questions that group by state or
 * region and do not scope by sector (an admin's; a liaison's scope is by sector, so a liaison's still
 * read the full cells; a viewer's come from the one publication over the full cells).
 *
 * The state cells take no trigger of their own: the change log 0028's triggers append to already
 * carries the state, so dashboard_state_figures is the state cells with that log, and the fold (the
 * function 0040 renamed dashboard_cells_compact_without_products and wraps) folds the same moved rows
 * into the state cells in the same statement as into the other two. dashboard_cell_differences() lists
 * state cells that differ from a fresh GROUP BY too (grain 'state cell'), and TRUNCATE empties them.
 * The state cells are filled from the full cells while this migration holds the fold's advisory lock, so
 * no fold can move log rows between the two.
 */
export class DashboardCellsByState1795300000062 implements MigrationInterface {
  name = 'DashboardCellsByState1795300000062';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      SELECT pg_advisory_xact_lock(hashtext('dashboard_cells_compact'));
      CREATE TABLE dashboard_state_cell (LIKE dashboard_cell INCLUDING CONSTRAINTS);
      ALTER TABLE dashboard_state_cell DROP COLUMN primary_sector_code, DROP COLUMN secondary_sector_codes, ADD PRIMARY KEY (${list(STATE_KEYS)});
      CREATE VIEW dashboard_state_figures AS
        SELECT ${list(STATE_COLUMNS)}, 0 AS pending FROM dashboard_state_cell
        UNION ALL
        SELECT ${list(STATE_COLUMNS)}, 1 AS pending FROM dashboard_cell_change;
      INSERT INTO dashboard_state_cell (${list(STATE_COLUMNS)})
        SELECT ${list(STATE_KEYS)}, ${sums()}, max(as_of) FROM dashboard_cell GROUP BY ${list(STATE_KEYS)} ORDER BY ${list(STATE_KEYS)};
      ${compact(true)}
      ${emptied(true)}
      ${differences(true)}
      ANALYZE dashboard_state_cell;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${differences(false)}
      ${emptied(false)}
      ${compact(false)}
      DROP VIEW dashboard_state_figures;
      DROP TABLE dashboard_state_cell;
    `);
  }
}
