import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a cell is keyed by: everything a dashboard groups or scopes organisations by. */
const KEYS = ['programme_id', 'primary_sector_code', 'secondary_sector_codes', 'state_code', 'environment', 'status', 'removal_verified'];
/** The coarser cells the summary and the sector, SRMA and environment breakdowns read: all but the state. */
const SECTOR_KEYS = KEYS.filter((k) => k !== 'state_code');
/** What a cell adds up (as_of apart: the latest derivation among its organisations). */
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
const COLUMNS = [...KEYS, ...SUMS, 'as_of'];
const SECTOR_COLUMNS = [...SECTOR_KEYS, ...SUMS, 'as_of'];
const list = (names: string[], prefix = '') => names.map((k) => `${prefix}${k}`).join(', ');
const ordinals = KEYS.map((_, i) => i + 1).join(', ');
const anyNonZero = SUMS.map((k) => `sum(${k}) <> 0`).join(' OR ');

/** The cell key of a status row `s` of an organisation `o`. */
const keyOf = (s: string, o: string) =>
  `${s}.programme_id, ${o}.primary_sector_code, ${o}.secondary_sector_codes, ${o}.state_code, CASE WHEN ${s}.ot_total > 0 THEN 'OT' ELSE 'IT' END, ${s}.status, ${s}.removal_verified`;
/** The figures of status rows `s`, counted `sign` times (+1 or -1); as_of only where they are added. */
const figuresOf = (s: string, sign: 1 | -1) =>
  `${sign} * count(*), ${SUMS.slice(1)
    .map((k) => `${sign} * sum(${s}.${k})`)
    .join(', ')}, ${sign === 1 ? `max(${s}.as_of)` : 'NULL::timestamptz'}`;
/** A status row's columns that a cell reads: a row updated with none of them changed is no change. */
const COUNTED = [
  'status',
  'removal_verified',
  'endpoints_total',
  'endpoints_remaining',
  'ot_total',
  'ot_remaining',
  'milestones_not_started',
  'milestones_in_progress',
  'milestones_done',
  'milestones_blocked',
  'milestones_overdue',
  'as_of',
];
const unchangedIn = (other: string, s: string) =>
  `NOT EXISTS (SELECT 1 FROM ${other} n WHERE n.organisation_id = ${s}.organisation_id AND n.programme_id = ${s}.programme_id
     AND (${list(COUNTED, 'n.')}) IS NOT DISTINCT FROM (${list(COUNTED, `${s}.`)}))`;
/**
 * Each status row's organisation, probed by its key (LATERAL … LIMIT 1): joined as a whole, the planner
 * walked the organisation index from its start to the new ids of an import batch (~0.8 s a batch).
 */
const organisationOf = (s: string) =>
  `CROSS JOIN LATERAL (SELECT primary_sector_code, secondary_sector_codes, state_code FROM organisation WHERE id = ${s}.organisation_id AND archived_at IS NULL LIMIT 1) o`;
/** An organisation's status rows, probed by its key. */
const statusesOf = (o: string) => `CROSS JOIN LATERAL (SELECT * FROM organisation_status WHERE organisation_id = ${o}.id OFFSET 0) s`;
/** Changes grouped by cell, those that change nothing left out, appended to the change log. */
const append = (changes: string) =>
  `INSERT INTO dashboard_cell_change (${list(COLUMNS)})
   SELECT ${list(KEYS)}, ${SUMS.map((k) => `sum(${k})`).join(', ')}, max(as_of)
   FROM (${changes}) AS x(${list(COLUMNS)})
   GROUP BY ${list(KEYS)}
   HAVING ${anyNonZero} OR max(as_of) IS NOT NULL`;
/** Folds the rows `moved` out of the log into a table of cells keyed by `keys`. */
const fold = (table: string, keys: string[]) =>
  `INSERT INTO ${table} (${list([...keys, ...SUMS, 'as_of'])})
   SELECT ${list(keys)}, ${SUMS.map((k) => `sum(${k})`).join(', ')}, max(as_of) FROM moved
   GROUP BY ${list(keys)} ORDER BY ${list(keys)}
   ON CONFLICT (${list(keys)}) DO UPDATE SET ${SUMS.map((k) => `${k} = ${table}.${k} + EXCLUDED.${k}`).join(', ')}, as_of = GREATEST(${table}.as_of, EXCLUDED.as_of)`;

/**
 * The dashboards' figures, kept by PostgreSQL (issue 16). A dashboard question grouped 200,000 status
 * rollups joined to their organisations on every call (p50 6.4 s with the cache off); it now adds up
 * cells.
 *
 * - dashboard_cell: per programme, one row per combination of what dashboards group or scope by
 *   (primary sector, secondary sectors, state, environment, status, removal verified), holding the
 *   number of organisations not archived and the sums of their rollups (~6,400 rows at 200,000).
 * - dashboard_sector_cell: the same without the state, for the questions that neither group nor scope
 *   by it (the summary, and the breakdowns by sector, SRMA and environment): ~45 times fewer rows.
 * - dashboard_cell_change: what writes add to or take from the cells. Statement-level triggers with
 *   transition tables on organisation_status and organisation append one row per cell a statement
 *   changes, in the writer's transaction. A writer never updates a shared row, so writers do not wait
 *   on each other (an import of 200,000 holding every cell for half a minute would stop every
 *   self-report). dashboard_cells_compact() folds the log into both tables in one short transaction
 *   (the API when a read added up a long log, the worker hourly); two at once are safe, since each
 *   folds only the rows its own DELETE removed.
 * - dashboard_figures and dashboard_sector_figures: each table with the log, what the dashboards read;
 *   dashboard_cell_differences(): every cell of either where they differ from a fresh GROUP BY over the
 *   rollups, which tests and the benchmark check is empty.
 *
 * The cells hold codes only: SRMA and CISA region are looked up at read time for the few codes a
 * question adds up, so a change to sector or us_state needs nothing here. A status row whose
 * organisation is gone counts nowhere, so the organisation's own DELETE trigger takes its rows out
 * first: dashboard_cells_organisation_deleted fires before organisation_deleted (0021's emulated
 * cascade), triggers firing in name order. The functions run with JIT off: their statements over a
 * batch's transition tables are estimated dear enough to be compiled, which took seconds a batch.
 * as_of is the latest derivation a cell has counted (it does not go back when that organisation leaves
 * the cell); the differences leave it out.
 */
export class DashboardCells1795300000028 implements MigrationInterface {
  name = 'DashboardCells1795300000028';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_cell (
        programme_id uuid NOT NULL,
        primary_sector_code text NOT NULL,
        secondary_sector_codes text[] NOT NULL,
        state_code char(2) NOT NULL,
        environment text NOT NULL CHECK (environment IN ('IT', 'OT')),
        status text NOT NULL,
        removal_verified boolean NOT NULL,
        ${SUMS.map((k) => `${k} bigint NOT NULL`).join(', ')},
        as_of timestamptz,
        PRIMARY KEY (${list(KEYS)})
      );
      CREATE TABLE dashboard_sector_cell (LIKE dashboard_cell INCLUDING CONSTRAINTS);
      ALTER TABLE dashboard_sector_cell DROP COLUMN state_code, ADD PRIMARY KEY (${list(SECTOR_KEYS)});
      CREATE TABLE dashboard_cell_change (LIKE dashboard_cell);

      CREATE VIEW dashboard_figures AS
        SELECT ${list(COLUMNS)}, 0 AS pending FROM dashboard_cell
        UNION ALL
        SELECT ${list(COLUMNS)}, 1 AS pending FROM dashboard_cell_change;
      CREATE VIEW dashboard_sector_figures AS
        SELECT ${list(SECTOR_COLUMNS)}, 0 AS pending FROM dashboard_sector_cell
        UNION ALL
        SELECT ${list(SECTOR_COLUMNS)}, 1 AS pending FROM dashboard_cell_change;

      CREATE FUNCTION dashboard_cells_status_inserted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${append(`SELECT ${keyOf('s', 'o')}, ${figuresOf('s', 1)} FROM new_rows s ${organisationOf('s')} GROUP BY ${ordinals}`)};
        RETURN NULL;
      END $$;

      CREATE FUNCTION dashboard_cells_status_deleted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${append(`SELECT ${keyOf('s', 'o')}, ${figuresOf('s', -1)} FROM old_rows s ${organisationOf('s')} GROUP BY ${ordinals}`)};
        RETURN NULL;
      END $$;

      -- Rows whose counted columns are unchanged (the planner's own updates, say) are paired off first.
      CREATE FUNCTION dashboard_cells_status_updated() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${append(`
          SELECT ${keyOf('s', 'o')}, ${figuresOf('s', -1)} FROM old_rows s ${organisationOf('s')}
          WHERE ${unchangedIn('new_rows', 's')} GROUP BY ${ordinals}
          UNION ALL
          SELECT ${keyOf('s', 'o')}, ${figuresOf('s', 1)} FROM new_rows s ${organisationOf('s')}
          WHERE ${unchangedIn('old_rows', 's')} GROUP BY ${ordinals}`)};
        RETURN NULL;
      END $$;

      -- An organisation that moves (sectors, state) or is archived or restored takes its rollups along.
      CREATE FUNCTION dashboard_cells_organisation_updated() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${append(`
          WITH moved AS (
            SELECT b.id, b.primary_sector_code AS b_p, b.secondary_sector_codes AS b_s, b.state_code AS b_st, b.archived_at IS NULL AS b_in,
                   a.primary_sector_code AS a_p, a.secondary_sector_codes AS a_s, a.state_code AS a_st, a.archived_at IS NULL AS a_in
            FROM old_rows b JOIN new_rows a ON a.id = b.id
            WHERE (b.primary_sector_code, b.secondary_sector_codes, b.state_code, b.archived_at IS NULL)
              IS DISTINCT FROM (a.primary_sector_code, a.secondary_sector_codes, a.state_code, a.archived_at IS NULL))
          SELECT s.programme_id, m.b_p, m.b_s, m.b_st, CASE WHEN s.ot_total > 0 THEN 'OT' ELSE 'IT' END, s.status, s.removal_verified, ${figuresOf('s', -1)}
          FROM moved m ${statusesOf('m')} WHERE m.b_in GROUP BY ${ordinals}
          UNION ALL
          SELECT s.programme_id, m.a_p, m.a_s, m.a_st, CASE WHEN s.ot_total > 0 THEN 'OT' ELSE 'IT' END, s.status, s.removal_verified, ${figuresOf('s', 1)}
          FROM moved m ${statusesOf('m')} WHERE m.a_in GROUP BY ${ordinals}`)};
        RETURN NULL;
      END $$;

      CREATE FUNCTION dashboard_cells_organisation_deleted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        ${append(`SELECT ${keyOf('s', 'o')}, ${figuresOf('s', -1)} FROM old_rows o ${statusesOf('o')}
                  WHERE o.archived_at IS NULL GROUP BY ${ordinals}`)};
        RETURN NULL;
      END $$;

      CREATE FUNCTION dashboard_cells_emptied() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
      BEGIN
        DELETE FROM dashboard_cell;
        DELETE FROM dashboard_sector_cell;
        DELETE FROM dashboard_cell_change;
        RETURN NULL;
      END $$;

      CREATE TRIGGER dashboard_cells_status_inserted AFTER INSERT ON organisation_status REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_status_inserted();
      CREATE TRIGGER dashboard_cells_status_updated AFTER UPDATE ON organisation_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_status_updated();
      CREATE TRIGGER dashboard_cells_status_deleted AFTER DELETE ON organisation_status REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_status_deleted();
      CREATE TRIGGER dashboard_cells_status_truncated AFTER TRUNCATE ON organisation_status
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_emptied();
      CREATE TRIGGER dashboard_cells_organisation_updated AFTER UPDATE ON organisation REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_organisation_updated();
      -- before organisation_deleted (name order), while the organisation's status rows are still there
      CREATE TRIGGER dashboard_cells_organisation_deleted AFTER DELETE ON organisation REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_organisation_deleted();
      CREATE TRIGGER dashboard_cells_organisation_truncated AFTER TRUNCATE ON organisation
        FOR EACH STATEMENT EXECUTE FUNCTION dashboard_cells_emptied();

      -- Folds the change log into the cells; returns the log rows folded (0 when another fold is running).
      CREATE FUNCTION dashboard_cells_compact() RETURNS integer LANGUAGE plpgsql SET jit = off AS $$
      DECLARE
        folded integer;
      BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtext('dashboard_cells_compact')) THEN RETURN 0; END IF;
        WITH moved AS (DELETE FROM dashboard_cell_change RETURNING *),
        cells AS (${fold('dashboard_cell', KEYS)}),
        sector_cells AS (${fold('dashboard_sector_cell', SECTOR_KEYS)})
        SELECT count(*)::int INTO folded FROM moved;
        DELETE FROM dashboard_cell WHERE organisations = 0;
        DELETE FROM dashboard_sector_cell WHERE organisations = 0;
        RETURN folded;
      END $$;

      -- The cells a fresh GROUP BY over the rollups gives, as dashboards counted before this migration.
      CREATE VIEW dashboard_cell_fresh (${list(COLUMNS)}) AS
        SELECT ${keyOf('s', 'o')}, ${figuresOf('s', 1)}
        FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id
        WHERE o.archived_at IS NULL GROUP BY ${ordinals};

      -- Every cell of either table where what the dashboards read differs from a fresh GROUP BY (empty when they agree).
      CREATE FUNCTION dashboard_cell_differences()
      RETURNS TABLE (grain text, programme_id uuid, primary_sector_code text, secondary_sector_codes text[], state_code char(2), environment text, status text,
                     removal_verified boolean, kept bigint[], fresh bigint[])
      LANGUAGE sql STABLE AS $$
        WITH kept AS (
          SELECT ${list(KEYS)}, ARRAY[${SUMS.map((k) => `sum(${k})`).join(', ')}]::bigint[] AS figures
          FROM dashboard_figures GROUP BY ${list(KEYS)} HAVING ${anyNonZero}),
        kept_by_sector AS (
          SELECT ${list(SECTOR_KEYS)}, ARRAY[${SUMS.map((k) => `sum(${k})`).join(', ')}]::bigint[] AS figures
          FROM dashboard_sector_figures GROUP BY ${list(SECTOR_KEYS)} HAVING ${anyNonZero}),
        fresh AS (SELECT ${list(KEYS)}, ARRAY[${list(SUMS)}]::bigint[] AS figures FROM dashboard_cell_fresh),
        fresh_by_sector AS (
          SELECT ${list(SECTOR_KEYS)}, ARRAY[${SUMS.map((k) => `sum(${k})`).join(', ')}]::bigint[] AS figures
          FROM dashboard_cell_fresh GROUP BY ${list(SECTOR_KEYS)})
        SELECT 'cell', ${KEYS.map((k) => `COALESCE(k.${k}, f.${k})`).join(', ')}, k.figures, f.figures
        FROM kept k FULL JOIN fresh f USING (${list(KEYS)})
        WHERE k.figures IS DISTINCT FROM f.figures
        UNION ALL
        SELECT 'sector cell', ${KEYS.map((k) => (k === 'state_code' ? 'NULL' : `COALESCE(k.${k}, f.${k})`)).join(', ')}, k.figures, f.figures
        FROM kept_by_sector k FULL JOIN fresh_by_sector f USING (${list(SECTOR_KEYS)})
        WHERE k.figures IS DISTINCT FROM f.figures
      $$;

      INSERT INTO dashboard_cell (${list(COLUMNS)}) SELECT * FROM dashboard_cell_fresh;
      INSERT INTO dashboard_sector_cell (${list(SECTOR_COLUMNS)})
        SELECT ${list(SECTOR_KEYS)}, ${SUMS.map((k) => `sum(${k})`).join(', ')}, max(as_of) FROM dashboard_cell GROUP BY ${list(SECTOR_KEYS)};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION dashboard_cell_differences();
      DROP VIEW dashboard_cell_fresh;
      DROP FUNCTION dashboard_cells_compact();
      DROP TRIGGER dashboard_cells_status_inserted ON organisation_status;
      DROP TRIGGER dashboard_cells_status_updated ON organisation_status;
      DROP TRIGGER dashboard_cells_status_deleted ON organisation_status;
      DROP TRIGGER dashboard_cells_status_truncated ON organisation_status;
      DROP TRIGGER dashboard_cells_organisation_updated ON organisation;
      DROP TRIGGER dashboard_cells_organisation_deleted ON organisation;
      DROP TRIGGER dashboard_cells_organisation_truncated ON organisation;
      DROP FUNCTION dashboard_cells_status_inserted(), dashboard_cells_status_updated(), dashboard_cells_status_deleted(),
        dashboard_cells_organisation_updated(), dashboard_cells_organisation_deleted(), dashboard_cells_emptied();
      DROP VIEW dashboard_figures, dashboard_sector_figures;
      DROP TABLE dashboard_cell_change, dashboard_sector_cell, dashboard_cell;
    `);
  }
}
