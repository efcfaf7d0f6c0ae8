import { sectorInForce } from '@libs/reference/sector-in-force';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AggregateCache } from '@libs/core/cache/aggregate-cache';
import type { Actor } from '@libs/domain/actor';
import { organisationScopeSql } from '@libs/data/scope';
import { Clock } from '@libs/core/clock/clock';
import { OrganisationStatusEnum } from '@libs/domain/vocabulary';
import { ProgrammeEntity } from '@libs/data/entities/programme.entity';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { BreakdownDimension } from '@libs/domain/vocabulary';
import { isSmall, OrganisationCell, protect, protectOverlappingRows, Publication, SMALL_CELL } from '@libs/domain/disclosure/small-cells';

const STATUSES = Object.values(OrganisationStatusEnum);
const DAY = 86_400_000;

const suppressible = (actor: Actor) => actor.role === 'viewer';

/** The cache key of a caller's scope: callers who see the same rows share answers. */
const scopeKey = (actor: Actor) => `${actor.role}:${[...(actor.sectors ?? [])].sort().join('+')}:${actor.organisationId ?? ''}`;

/** The order of breakdown rows: localeCompare(…, 'en', { numeric: true }) without making a collator per comparison (0.4 ms a breakdown). */
const LABEL_ORDER = new Intl.Collator('en', { numeric: true });

const ENVIRONMENT_LABELS: Array<[string, string]> = [
  ['IT', 'IT and other (no OT footprint)'],
  ['OT', 'OT/ICS (organisations with an OT footprint; OT endpoints only)'],
];

/** A breakdown key's label in SQL at the instant `at` (a parameter), as labels() reads it (SRMA and environment have none there). */
const labelSql = (at: string): Record<BreakdownDimension, string> => ({
  SECTOR: `(SELECT sc.name FROM sector sc WHERE sc.code = k.key AND ${sectorInForce('sc', at)} LIMIT 1)`,
  SRMA: `NULL::text`,
  STATE: `(SELECT st.name FROM us_state st WHERE st.code = k.key)`,
  REGION: `(SELECT 'Region ' || r.region || ' (' || r.office || ')' FROM cisa_region r WHERE r.region::text = k.key)`,
  ENVIRONMENT: `NULL::text`,
  PRODUCT: `(SELECT p.name FROM product p WHERE p.code = k.key)`,
  WHITE_LABEL_VENDOR: `NULL::text`,
});

type PartitionDimension = Exclude<BreakdownDimension, BreakdownDimension.PRODUCT | BreakdownDimension.WHITE_LABEL_VENDOR>;
const OVERLAPPING = new Set<BreakdownDimension>([BreakdownDimension.PRODUCT, BreakdownDimension.WHITE_LABEL_VENDOR]);

/** Reported versus verified figures (the "*" product cells, migration 0040): staff information, not published to a viewer. */
interface VerifiedFigures {
  endpointsVerified: number | null;
  endpointsRemainingVerified: number | null;
  reportsStale: number | null;
  verificationsStale: number | null;
}
const NOT_PUBLISHED: VerifiedFigures = { endpointsVerified: null, endpointsRemainingVerified: null, reportsStale: null, verificationsStale: null };
const verifiedFigures = (r: any): VerifiedFigures => ({
  endpointsVerified: r?.verified_total ?? 0,
  endpointsRemainingVerified: r?.verified_remaining ?? 0,
  reportsStale: r?.reports_stale ?? 0,
  verificationsStale: r?.verifications_stale ?? 0,
});
const VERIFIED_SUMS = `sum(c.verified_total)::float8 AS verified_total, sum(c.verified_remaining)::float8 AS verified_remaining,
  sum(c.reports_stale)::int AS reports_stale, sum(c.verifications_stale)::int AS verifications_stale`;

/** Change-log rows (migration 0028) a read may add up before it asks for them to be folded into the cells. */
const FOLD_AFTER = 1000;

/** A reporter's figures come from its organisation's rollup, shaped as a cell of dashboard_figures. */
const LIVE_CELL = `s.programme_id, o.primary_sector_code, o.secondary_sector_codes, o.state_code, CASE WHEN s.ot_total > 0 THEN 'OT' ELSE 'IT' END AS environment,
  s.status, s.removal_verified, 1 AS organisations, s.endpoints_total, s.endpoints_remaining, s.ot_total, s.ot_remaining, s.milestones_not_started,
  s.milestones_in_progress, s.milestones_done, s.milestones_blocked, s.milestones_overdue, s.as_of, 0 AS pending`;

/**
 * Dashboards' figures, in the caller's scope, on a read replica when one is configured. They are sums
 * over dashboard_figures (migration 0028): cells of organisations alike in everything a dashboard groups
 * or scopes by, kept by PostgreSQL in the transaction of every write, so a question adds up a few
 * thousand cells rather than grouping every organisation's rollup. A few seconds' cache
 * (DASHBOARD_CACHE_MS) remains an option for dashboards that poll the same figures over and over.
 */
@Injectable()
export class DashboardService {
  private readonly cache: AggregateCache;
  private folding: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly programmes: ProgrammesService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.cache = new AggregateCache(runtime.config.DASHBOARD_CACHE_MS);
  }

  /** A read that may go to a replica (TypeORM replication; the primary when none is configured). */
  private async read(sql: string, params: unknown[] = []): Promise<any[]> {
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      return await runner.query(sql, params);
    } finally {
      await runner.release();
    }
  }

  summary(actor: Actor, programmeId: string) {
    return this.cache.get(`summary:${scopeKey(actor)}:${programmeId ?? ''}`, () => this.computeSummary(actor, programmeId));
  }

  breakdown(actor: Actor, by: BreakdownDimension, programmeId: string) {
    return this.cache.get(`breakdown:${by}:${scopeKey(actor)}:${programmeId ?? ''}`, () => this.computeBreakdown(actor, by, programmeId));
  }

  burndown(actor: Actor, programmeId: string, days = 90) {
    return this.cache.get(`burndown:${days}:${scopeKey(actor)}:${programmeId ?? ''}`, () => this.computeBurndown(actor, programmeId, days));
  }

  reminderFigures(actor: Actor, days = 30) {
    return this.cache.get(`reminders:${days}:${scopeKey(actor)}`, () => this.computeReminderFigures(actor, days));
  }

  /** Rows in scope: admins and viewers see every organisation (viewers only in aggregate), liaisons their sectors. */
  private scope(actor: Actor, params: unknown[]): string {
    return actor.role === 'viewer' ? 'TRUE' : organisationScopeSql(actor, 'o', params);
  }

  /**
   * The cells of programme $1 in the caller's scope, as a FROM item: by sector (no state: ~45 times fewer
   * rows) for the questions that neither group nor scope by state; by state (no sectors, migration 0062)
   * for those that group by state and are not scoped by sector; else the full cells. A cell carries the
   * sector codes the scope reads, so a liaison's condition (primary or secondary sector) is the
   * organisations' own; a reporter's one organisation is read from its rollup.
   */
  private cells(actor: Actor, params: unknown[], grain: 'sector' | 'state'): string {
    if (actor.role === 'viewer' || actor.role === 'admin' || actor.role === 'system')
      return `(SELECT * FROM ${grain === 'sector' ? 'dashboard_sector_figures' : 'dashboard_state_figures'} WHERE programme_id = $1)`;
    const figures = grain === 'sector' ? 'dashboard_sector_figures' : 'dashboard_figures';
    if (actor.role === 'liaison') return `(SELECT * FROM ${figures} c WHERE programme_id = $1 AND ${organisationScopeSql(actor, 'c', params)})`;
    return `(SELECT ${LIVE_CELL} FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id
             WHERE s.programme_id = $1 AND o.archived_at IS NULL AND ${organisationScopeSql(actor, 'o', params)})`;
  }

  /**
   * The product cells (migration 0040) of programme $1 in the caller's scope, as a FROM item: per product
   * (vendor ''), per white-label vendor, and "*" for each organisation's whole footprint. A reporter's
   * are read from its rollup's own entries.
   */
  private productCells(actor: Actor, params: unknown[]): string {
    if (actor.role === 'viewer' || actor.role === 'admin' || actor.role === 'system')
      return `(SELECT * FROM dashboard_product_figures WHERE programme_id = $1)`;
    if (actor.role === 'liaison') return `(SELECT * FROM dashboard_product_figures c WHERE programme_id = $1 AND ${organisationScopeSql(actor, 'c', params)})`;
    return `(SELECT e->>0 AS product_code, e->>1 AS vendor, s.status, s.removal_verified, 1 AS organisations, (e->>2)::bigint AS endpoints_total,
                    (e->>3)::bigint AS endpoints_remaining, (e->>4)::bigint AS verified_total, (e->>5)::bigint AS verified_remaining,
                    s.report_stale::int AS reports_stale, (e->>6)::boolean::int AS verifications_stale, 0 AS pending
             FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id CROSS JOIN LATERAL jsonb_array_elements(s.products) e
             WHERE s.programme_id = $1 AND o.archived_at IS NULL AND ${organisationScopeSql(actor, 'o', params)})`;
  }

  /**
   * Folds the change log into the cells (dashboard_cells_compact(), on the primary): when a read added
   * up more than FOLD_AFTER log rows, in the background, one at a time per process; and hourly, before
   * the snapshot.
   */
  private foldIfLong(pending: number) {
    if (pending < FOLD_AFTER || this.folding) return;
    this.folding = this.foldCells()
      .catch(() => undefined)
      .finally(() => (this.folding = undefined));
  }

  async foldCells(): Promise<number> {
    const [{ folded }] = await this.dataSource.query(`SELECT dashboard_cells_compact() AS folded`);
    // A long log the fold emptied keeps its pages, dead rows every read scans (each dashboard question
    // adds up the log), until a vacuum: 18 MB and 3 ms a question after the fold of an import of 200,000.
    // Cleared now where this process may vacuum (it connects as the tables' owner); connected as the
    // application's own role (grantApplicationRole), which owns nothing, PostgreSQL only warns and skips
    // them, and autovacuum clears them when it next comes by. A failure changes nothing the fold did.
    if (folded >= FOLD_AFTER) await this.dataSource.query(`VACUUM (ANALYZE) dashboard_cell_change, dashboard_product_cell_change`).catch(() => undefined);
    return folded;
  }

  /**
   * Everything a viewer may read about organisations, protected as one publication (libs/domain/disclosure):
   * one statement groups the organisations by every dimension at once, and the summary, each breakdown
   * and the sectors CSV are cut from it, so no two of them can be set against each other.
   */
  private viewerPublication(actor: Actor, programmeId: string): Promise<Publication> {
    return this.cache.get(`publication:${scopeKey(actor)}:${programmeId}`, async () => {
      const rows = await this.read(
        `WITH c AS (
           SELECT primary_sector_code AS sector, state_code AS state, environment, status, removal_verified AS verified, sum(organisations) AS n,
                  sum(endpoints_total) AS total, sum(endpoints_remaining) AS remaining, sum(ot_total) AS ot_total, sum(ot_remaining) AS ot_remaining, sum(pending) AS pending
           FROM dashboard_figures WHERE programme_id = $1 GROUP BY 1, 2, 3, 4, 5 HAVING sum(organisations) <> 0)
         SELECT c.sector, k.srma, c.state, st.region::text AS region,
                c.environment, c.status, c.verified, c.n::int AS n, c.total::float8 AS total, c.remaining::float8 AS remaining,
                (CASE WHEN c.environment = 'OT' THEN c.ot_total ELSE c.total END)::float8 AS env_total,
                (CASE WHEN c.environment = 'OT' THEN c.ot_remaining ELSE c.remaining END)::float8 AS env_remaining, c.pending::int AS pending
         FROM c JOIN us_state st ON st.code = c.state
           JOIN (SELECT sector, (SELECT sc.srma FROM sector sc WHERE sc.code = d.sector AND ${sectorInForce('sc', '$2::timestamptz')} LIMIT 1) AS srma FROM (SELECT DISTINCT sector FROM c) d) k USING (sector)`,
        // a sector's agency at the clock's instant: the SRMA rows group the sectors as they stand then
        [programmeId, this.clock.now()],
      );
      this.foldIfLong(rows.reduce((n: number, r: any) => n + r.pending, 0));
      const cells: OrganisationCell[] = rows.map((r: any) => ({
        keys: { SECTOR: r.sector, SRMA: r.srma ?? '', STATE: r.state, REGION: r.region, ENVIRONMENT: r.environment },
        status: r.status,
        verified: r.verified,
        organisations: r.n,
        endpointsTotal: r.total ?? 0,
        endpointsRemaining: r.remaining ?? 0,
        environmentEndpointsTotal: r.env_total ?? 0,
        environmentEndpointsRemaining: r.env_remaining ?? 0,
      }));
      return protect(cells, STATUSES);
    });
  }

  private async computeSummary(actor: Actor, programmeId: string) {
    const programme = await this.programmes.get(programmeId);
    const params: unknown[] = [programme.id];
    const rows = await this.read(
      `SELECT c.status, COALESCE(sum(c.organisations), 0)::int AS n, COALESCE(sum(c.endpoints_total), 0)::float8 AS total,
              COALESCE(sum(c.endpoints_remaining), 0)::float8 AS remaining, COALESCE(sum(c.organisations) FILTER (WHERE c.removal_verified), 0)::int AS verified,
              COALESCE(sum(c.milestones_not_started), 0)::int AS not_started, COALESCE(sum(c.milestones_in_progress), 0)::int AS in_progress,
              COALESCE(sum(c.milestones_done), 0)::int AS done, COALESCE(sum(c.milestones_blocked), 0)::int AS blocked,
              COALESCE(sum(c.milestones_overdue), 0)::int AS overdue, max(c.as_of) AS as_of, COALESCE(sum(c.pending), 0)::int AS pending
       FROM ${this.cells(actor, params, 'sector')} c
       GROUP BY ROLLUP (c.status) HAVING GROUPING(c.status) = 1 OR sum(c.organisations) <> 0`,
      params,
    );
    const extParams: unknown[] = [programme.id];
    const [ext] = await this.read(
      `SELECT count(*) FILTER (WHERE e.state = 'REQUESTED')::int AS open, count(*) FILTER (WHERE e.state = 'GRANTED')::int AS granted,
              count(DISTINCT e.organisation_id) FILTER (WHERE e.state = 'REQUESTED')::int AS open_orgs,
              count(DISTINCT e.organisation_id) FILTER (WHERE e.state = 'GRANTED')::int AS granted_orgs
       FROM extension e JOIN milestone m ON m.id = e.milestone_id JOIN organisation o ON o.id = e.organisation_id
       WHERE m.programme_id = $1 AND o.archived_at IS NULL AND ${this.scope(actor, extParams)}`,
      extParams,
    );
    const vParams: unknown[] = [programme.id];
    const [verified] = suppressible(actor)
      ? [undefined]
      : await this.read(
          `SELECT ${VERIFIED_SUMS}, sum(c.pending)::int AS pending FROM ${this.productCells(actor, vParams)} c WHERE c.product_code = '*'`,
          vParams,
        );
    if (verified) this.foldIfLong(verified.pending ?? 0);
    const total = rows.find((r: any) => r.status === null) ?? {
      n: 0,
      total: 0,
      remaining: 0,
      verified: 0,
      not_started: 0,
      in_progress: 0,
      done: 0,
      blocked: 0,
      overdue: 0,
      as_of: null,
      pending: 0,
    };
    this.foldIfLong(total.pending);
    // a viewer's counts come from the protected publication; everyone else's as they are
    const shown = suppressible(actor)
      ? (await this.viewerPublication(actor, programme.id)).total
      : {
          organisations: total.n,
          verified: total.verified,
          endpointsTotal: total.total ?? 0,
          endpointsRemaining: total.remaining ?? 0,
          byStatus: STATUSES.map((status) => ({ status, organisations: rows.find((r: any) => r.status === status)?.n ?? 0 })),
        };
    const hidden = shown.organisations === null;
    const now = this.clock.now();
    const cutoff = new Date(programme.updatesCutoff);
    // extensions are counted nowhere else: a count of organisations under SMALL_CELL is hidden from a viewer, nothing more is needed
    const extensions = (count: number, organisations: number) => (hidden || (suppressible(actor) && isSmall(organisations)) ? null : count);
    return {
      programmeId: programme.id,
      updatesCutoff: cutoff,
      daysToCutoff: Math.round(((cutoff.getTime() - now.getTime()) / DAY) * 10) / 10,
      organisations: shown.organisations,
      byStatus: shown.byStatus as Array<{ status: OrganisationStatusEnum; organisations: number | null }>,
      endpointsTotal: shown.endpointsTotal,
      endpointsRemaining: shown.endpointsRemaining,
      shareRemoved: hidden || !shown.endpointsTotal ? null : 1 - shown.endpointsRemaining! / shown.endpointsTotal,
      shareVerified: shown.verified === null || !shown.organisations ? null : shown.verified / shown.organisations,
      milestonesByState: hidden
        ? []
        : [
            { state: 'NOT_STARTED', milestones: total.not_started ?? 0 },
            { state: 'IN_PROGRESS', milestones: total.in_progress ?? 0 },
            { state: 'DONE', milestones: total.done ?? 0 },
            { state: 'BLOCKED', milestones: total.blocked ?? 0 },
          ],
      milestonesOverdue: hidden ? null : (total.overdue ?? 0),
      extensionsOpen: extensions(ext.open, ext.open_orgs),
      extensionsGranted: extensions(ext.granted, ext.granted_orgs),
      ...(suppressible(actor) ? NOT_PUBLISHED : verifiedFigures(verified)),
      asOf: total.as_of ?? now,
    };
  }

  private async computeBreakdown(actor: Actor, by: BreakdownDimension, programmeId: string) {
    if (OVERLAPPING.has(by)) return this.computeProductBreakdown(actor, by as BreakdownDimension.PRODUCT | BreakdownDimension.WHITE_LABEL_VENDOR, programmeId);
    const programme = await this.programmes.get(programmeId);
    const sortByLabel = (labels: Map<string, string>) => (a: string, b: string) => LABEL_ORDER.compare(labels.get(a) ?? a, labels.get(b) ?? b);
    const withShare = <R extends { endpointsTotal: number | null; endpointsRemaining: number | null }>(r: R) => ({
      ...r,
      shareRemoved: !r.endpointsTotal ? null : 1 - r.endpointsRemaining! / r.endpointsTotal,
    });
    if (suppressible(actor)) {
      const labels = await this.labels(by);
      const byLabel = sortByLabel(labels);
      const published = (await this.viewerPublication(actor, programme.id)).breakdowns[by as PartitionDimension];
      return [...published]
        .sort((a, b) => byLabel(a.key, b.key))
        .map((r) =>
          withShare({
            ...r,
            ...NOT_PUBLISHED,
            label: labels.get(r.key) ?? r.key,
            byStatus: r.byStatus as Array<{ status: OrganisationStatusEnum; organisations: number | null }>,
          }),
        );
    }
    const params: unknown[] = [programme.id];
    const cells = this.cells(actor, params, by === 'STATE' || by === 'REGION' ? 'state' : 'sector');
    // a sector's name and agency as they stand at the clock's instant (a parameter only where the statement names it:
    // PostgreSQL refuses one it cannot type)
    const at = by === 'SECTOR' || by === 'SRMA' ? `$${params.push(this.clock.now())}::timestamptz` : 'NULL';
    // the cells are first added up by the code the key is of (a sector's SRMA and a state's region are looked up once a code)
    const code = (
      { SECTOR: 'primary_sector_code', SRMA: 'primary_sector_code', STATE: 'state_code', REGION: 'state_code', ENVIRONMENT: 'environment' } as Record<
        string,
        string
      >
    )[by];
    const key = (
      {
        SECTOR: `c.code`,
        SRMA: `(SELECT sc.srma FROM sector sc WHERE sc.code = c.code AND ${sectorInForce('sc', at)} LIMIT 1)`,
        STATE: `c.code`,
        REGION: `(SELECT st.region::text FROM us_state st WHERE st.code = c.code)`,
        ENVIRONMENT: `c.code`,
      } as Record<string, string>
    )[by];
    const environment = by === 'ENVIRONMENT';
    const rows: any[] = await this.read(
      `WITH c AS (
         SELECT ${code} AS code, status, sum(organisations) AS n,
                sum(${environment ? `CASE WHEN environment = 'OT' THEN ot_total ELSE endpoints_total END` : 'endpoints_total'}) AS total,
                sum(${environment ? `CASE WHEN environment = 'OT' THEN ot_remaining ELSE endpoints_remaining END` : 'endpoints_remaining'}) AS remaining,
                sum(organisations) FILTER (WHERE removal_verified) AS verified, sum(pending) AS pending
         FROM ${cells} x GROUP BY 1, 2)
       -- a code's key and a key's label looked up once each, not once a status too (56 lookups of a state's
       -- region and name rather than 280 of each)
       , ck AS MATERIALIZED (SELECT c.code, ${key} AS key FROM (SELECT DISTINCT code FROM c) c)
       , k AS (
         SELECT ck.key, c.status, sum(c.n)::int AS n, sum(c.total)::float8 AS total, sum(c.remaining)::float8 AS remaining,
                COALESCE(sum(c.verified), 0)::int AS verified, sum(c.pending)::int AS pending
         FROM c JOIN ck ON ck.code = c.code GROUP BY 1, 2 HAVING sum(c.n) <> 0)
       , l AS MATERIALIZED (SELECT k.key, ${labelSql(at)[by]} AS label FROM (SELECT DISTINCT key FROM k) k)
       SELECT k.*, l.label FROM k LEFT JOIN l ON l.key = k.key`,
      params,
    );
    this.foldIfLong(rows.reduce((n, r) => n + r.pending, 0));
    // reported versus verified by primary sector (the "*" product cells) for the sector and SRMA rows; the cells by state do not hold them
    const verifiedByKey = new Map<string, VerifiedFigures>();
    if (by === 'SECTOR' || by === 'SRMA') {
      const vParams: unknown[] = [programme.id];
      const vCells = this.productCells(actor, vParams);
      // the SRMA a sector is with at the clock's instant, as the figures' own rows
      const vKey =
        by === 'SECTOR'
          ? 'c.primary_sector_code'
          : `(SELECT sc.srma FROM sector sc WHERE sc.code = c.primary_sector_code AND ${sectorInForce('sc', `$${vParams.push(this.clock.now())}::timestamptz`)} LIMIT 1)`;
      for (const r of await this.read(`SELECT ${vKey} AS key, ${VERIFIED_SUMS} FROM ${vCells} c WHERE c.product_code = '*' GROUP BY 1`, vParams)) {
        verifiedByKey.set(r.key, verifiedFigures(r));
      }
    }
    // the labels come with the figures (one statement): as labels() would give them for these keys
    const labels = new Map<string, string>(by === 'ENVIRONMENT' ? ENVIRONMENT_LABELS : rows.filter((r) => r.label !== null).map((r) => [r.key, r.label]));
    const byLabel = sortByLabel(labels);
    const keys = [...new Set(rows.map((r) => r.key as string))].sort(byLabel);
    return keys.map((k) => {
      const mine = rows.filter((r) => r.key === k);
      return withShare({
        key: k,
        label: labels.get(k) ?? k,
        suppressed: false,
        organisations: mine.reduce((s, r) => s + r.n, 0) as number,
        byStatus: STATUSES.map((status) => ({ status, organisations: (mine.find((r) => r.status === status)?.n ?? 0) as number | null })),
        endpointsTotal: mine.reduce((s, r) => s + r.total, 0) as number,
        endpointsRemaining: mine.reduce((s, r) => s + r.remaining, 0) as number,
        verified: mine.reduce((s, r) => s + r.verified, 0) as number | null,
        ...(verifiedByKey.get(k) ?? NOT_PUBLISHED),
      });
    });
  }

  /**
   * By product or by white-label vendor, from the product cells (migration 0040): a row per product (or
   * vendor) with the organisations running it, their statuses, and that product's endpoints, reported and
   * verified. Rows overlap (an organisation with two products is in two rows): for a viewer each row is
   * protected as a total of its own (protectOverlappingRows), and verified figures are not published.
   */
  private async computeProductBreakdown(actor: Actor, by: BreakdownDimension.PRODUCT | BreakdownDimension.WHITE_LABEL_VENDOR, programmeId: string) {
    const programme = await this.programmes.get(programmeId);
    const params: unknown[] = [programme.id];
    const which = by === 'PRODUCT' ? `c.product_code <> '*' AND c.vendor = ''` : `c.product_code = 'WHITE_LABEL' AND c.vendor <> ''`;
    const rows: any[] = await this.read(
      `WITH k AS (
         SELECT ${by === 'PRODUCT' ? 'c.product_code' : 'c.vendor'} AS key, c.status, c.removal_verified AS verified, sum(c.organisations)::int AS n,
                sum(c.endpoints_total)::float8 AS total, sum(c.endpoints_remaining)::float8 AS remaining, ${VERIFIED_SUMS}, sum(c.pending)::int AS pending
         FROM ${this.productCells(actor, params)} c WHERE ${which} GROUP BY 1, 2, 3 HAVING sum(c.organisations) <> 0)
       SELECT k.*, ${labelSql('NULL')[by]} AS label FROM k`,
      params,
    );
    this.foldIfLong(rows.reduce((n, r) => n + r.pending, 0));
    const labels = new Map<string, string>(rows.filter((r) => r.label !== null).map((r) => [r.key, r.label]));
    const keys = [...new Set(rows.map((r) => r.key as string))].sort((a, b) => LABEL_ORDER.compare(labels.get(a) ?? a, labels.get(b) ?? b));
    const withShare = <R extends { endpointsTotal: number | null; endpointsRemaining: number | null }>(r: R) => ({
      ...r,
      shareRemoved: !r.endpointsTotal ? null : 1 - r.endpointsRemaining! / r.endpointsTotal,
    });
    if (suppressible(actor)) {
      const published = protectOverlappingRows(
        keys.map((key) => ({
          key,
          cells: rows
            .filter((r) => r.key === key)
            .map((r) => ({ status: r.status, verified: r.verified, organisations: r.n, endpointsTotal: r.total, endpointsRemaining: r.remaining })),
        })),
        STATUSES,
      );
      // a vendor's name is what an organisation typed: a vendor hidden whole is left out, not named (the
      // hidden rows are still at least two, so what the others leave of WHITE_LABEL's endpoints is a sum of several)
      return published
        .filter((r) => !(by === 'WHITE_LABEL_VENDOR' && r.suppressed))
        .map((r) =>
          withShare({
            ...r,
            ...NOT_PUBLISHED,
            label: labels.get(r.key) ?? r.key,
            byStatus: r.byStatus as Array<{ status: OrganisationStatusEnum; organisations: number | null }>,
          }),
        );
    }
    return keys.map((k) => {
      const mine = rows.filter((r) => r.key === k);
      const sum = (f: (r: any) => number) => mine.reduce((s, r) => s + f(r), 0);
      return withShare({
        key: k,
        label: labels.get(k) ?? k,
        suppressed: false,
        organisations: sum((r) => r.n) as number | null,
        byStatus: STATUSES.map((status) => ({ status, organisations: sum((r) => (r.status === status ? r.n : 0)) as number | null })),
        endpointsTotal: sum((r) => r.total) as number | null,
        endpointsRemaining: sum((r) => r.remaining) as number | null,
        verified: sum((r) => (r.verified ? r.n : 0)) as number | null,
        endpointsVerified: sum((r) => r.verified_total) as number | null,
        endpointsRemainingVerified: sum((r) => r.verified_remaining) as number | null,
        reportsStale: sum((r) => r.reports_stale) as number | null,
        verificationsStale: sum((r) => r.verifications_stale) as number | null,
      });
    });
  }

  private async labels(by: BreakdownDimension): Promise<Map<string, string>> {
    if (by === 'SECTOR')
      return new Map(
        (await this.read(`SELECT code, name FROM sector sc WHERE ${sectorInForce('sc', '$1::timestamptz')}`, [this.clock.now()])).map((r: any) => [
          r.code,
          r.name,
        ]),
      );
    if (by === 'STATE') return new Map((await this.read(`SELECT code, name FROM us_state`)).map((r: any) => [r.code, r.name]));
    if (by === 'REGION')
      return new Map(
        (await this.read(`SELECT region::text AS k, 'Region ' || region || ' (' || office || ')' AS v FROM cisa_region`)).map((r: any) => [r.k, r.v]),
      );
    if (by === 'ENVIRONMENT') return new Map(ENVIRONMENT_LABELS);
    return new Map();
  }

  /** Daily snapshots in scope (a liaison's: its sectors as primary sectors), with the pace and a projected finish. */
  private async computeBurndown(actor: Actor, programmeId: string, days = 90) {
    const programme = await this.programmes.get(programmeId);
    // up to the clock's today: a drill that moved time back does not draw days it has not reached
    const params: unknown[] = [programme.id, Math.min(Math.max(days, 1), 730), this.clock.now()];
    let where = `programme_id = $1 AND day <= ($3::timestamptz AT TIME ZONE 'UTC')::date AND day > ($3::timestamptz AT TIME ZONE 'UTC')::date - $2::int`;
    if (actor.role === 'liaison') {
      params.push(actor.sectors ?? []);
      where += ` AND sector_code = ANY($${params.length}::text[])`;
    }
    const rows = (await this.read(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(endpoints_remaining)::float8 AS "endpointsRemaining", sum(endpoints_total)::float8 AS "endpointsTotal",
              sum(organisations_not_done)::int AS "organisationsNotDone", sum(organisations)::int AS organisations
       FROM daily_snapshot WHERE ${where} GROUP BY day ORDER BY day`,
      params,
    )) as Array<{ day: string; endpointsRemaining: number; endpointsTotal: number; organisationsNotDone: number; organisations: number }>;
    // A viewer: a day's organisations not done is its organisations less those complete, so it is hidden when
    // either is small, and on every day while the summary hides its complete count (the latest day would give it).
    const completeHidden =
      suppressible(actor) && (await this.viewerPublication(actor, programme.id)).total.byStatus.find((s) => s.status === 'COMPLETE')?.organisations === null;
    const points = rows.map(({ organisations, ...p }) => {
      if (!suppressible(actor)) return p;
      if (organisations < SMALL_CELL) return { day: p.day, endpointsRemaining: null, endpointsTotal: null, organisationsNotDone: null };
      const hide = completeHidden || isSmall(p.organisationsNotDone) || isSmall(organisations - p.organisationsNotDone);
      return { ...p, organisationsNotDone: hide ? null : p.organisationsNotDone };
    });
    const { pacePerDay, projectedFinish } = projectFinish(
      points.filter((p) => p.endpointsRemaining !== null).map((p) => ({ day: p.day, value: p.endpointsRemaining! })),
    );
    return { points, pacePerDay, projectedFinish };
  }

  /** Writes today's snapshot (an upsert: the last one of the day stands), from the cells, with the change log folded in first. */
  async takeSnapshot(programme: ProgrammeEntity): Promise<number> {
    await this.foldCells();
    const rows = await this.dataSource.query(
      `INSERT INTO daily_snapshot (day, programme_id, sector_code, organisations, organisations_not_done, endpoints_total, endpoints_remaining, source, taken_at)
       SELECT ($2::timestamptz AT TIME ZONE 'UTC')::date, $1, c.primary_sector_code, sum(c.organisations), COALESCE(sum(c.organisations) FILTER (WHERE c.status <> 'COMPLETE'), 0),
              sum(c.endpoints_total), sum(c.endpoints_remaining), 'SNAPSHOT', $2
       FROM dashboard_sector_figures c
       WHERE c.programme_id = $1 GROUP BY c.primary_sector_code HAVING sum(c.organisations) <> 0
       ON CONFLICT (programme_id, day, sector_code) DO UPDATE SET organisations = EXCLUDED.organisations, organisations_not_done = EXCLUDED.organisations_not_done,
         endpoints_total = EXCLUDED.endpoints_total, endpoints_remaining = EXCLUDED.endpoints_remaining, source = 'SNAPSHOT', taken_at = EXCLUDED.taken_at
       RETURNING 1`,
      [programme.id, this.clock.now()],
    );
    return rows.length;
  }

  /**
   * Rebuilds the days before snapshots began from the audit trail: each footprint row's counts as of the
   * end of each day (its latest audited value by then), and organisations not done (created by then,
   * removal not yet verified). Days that already have a snapshot are left as they are.
   */
  async backfill(programme: ProgrammeEntity, from: Date, to: Date): Promise<number> {
    const inserted = await this.dataSource.query(
      `WITH days AS (SELECT d::date AS day, (d + interval '1 day') AS day_end FROM generate_series($2::date, $3::date, interval '1 day') AS d),
       fp AS (
         SELECT e.entity_id, e.organisation_id, e.occurred_at, e.action,
                (e.after->>'endpointCount')::bigint AS cnt, (e.after->>'endpointsRemaining')::bigint AS rem
         FROM audit_event e WHERE e.entity_type = 'footprint'
           -- this programme's rows: those still there, and deleted ones by the programme their creation named
           AND (e.entity_id IN (SELECT id::text FROM footprint WHERE programme_id = $1)
             OR e.entity_id IN (SELECT c.entity_id FROM audit_event c WHERE c.entity_type = 'footprint' AND c.action = 'create' AND c.after->>'programmeId' = $1::text))),
       per_day AS (
         SELECT days.day, f.organisation_id, f.entity_id,
                (SELECT CASE WHEN x.action = 'delete' THEN 0 ELSE x.cnt END FROM fp x WHERE x.entity_id = f.entity_id AND x.occurred_at < days.day_end AND (x.cnt IS NOT NULL OR x.action = 'delete') ORDER BY x.occurred_at DESC LIMIT 1) AS cnt,
                (SELECT CASE WHEN x.action = 'delete' THEN 0 ELSE x.rem END FROM fp x WHERE x.entity_id = f.entity_id AND x.occurred_at < days.day_end AND (x.rem IS NOT NULL OR x.action = 'delete') ORDER BY x.occurred_at DESC LIMIT 1) AS rem
         FROM days CROSS JOIN (SELECT DISTINCT entity_id, organisation_id FROM fp) f),
       orgs AS (
         SELECT days.day, o.primary_sector_code AS sector, count(*)::int AS organisations,
                count(*) FILTER (WHERE NOT EXISTS (
                  SELECT 1 FROM audit_event v JOIN milestone m ON m.id::text = v.entity_id
                  WHERE v.entity_type = 'milestone' AND v.action = 'verify' AND m.programme_id = $1 AND m.key = $4 AND m.organisation_id = o.id AND v.occurred_at < days.day_end))::int AS not_done
         FROM days JOIN organisation o ON o.created_at < days.day_end AND o.archived_at IS NULL
           AND EXISTS (SELECT 1 FROM organisation_status s WHERE s.organisation_id = o.id AND s.programme_id = $1) GROUP BY 1, 2)
       INSERT INTO daily_snapshot (day, programme_id, sector_code, organisations, organisations_not_done, endpoints_total, endpoints_remaining, source, taken_at)
       SELECT orgs.day, $1, orgs.sector, orgs.organisations, orgs.not_done, COALESCE(sum(p.cnt), 0), COALESCE(sum(p.rem), 0), 'BACKFILL', now()
       FROM orgs LEFT JOIN per_day p ON p.day = orgs.day AND p.organisation_id IN (SELECT id FROM organisation WHERE primary_sector_code = orgs.sector)
       GROUP BY orgs.day, orgs.sector, orgs.organisations, orgs.not_done
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [programme.id, from, to, programme.rules.removalVerifiedMilestoneKey],
    );
    return inserted.length;
  }

  private async computeReminderFigures(actor: Actor, days = 30) {
    const params: unknown[] = [this.clock.now(), Math.min(Math.max(days, 1), 365)];
    const scope = actor.role === 'admin' || actor.role === 'viewer' ? 'TRUE' : `o.id IS NOT NULL AND ${organisationScopeSql(actor, 'o', params)}`;
    const rows = await this.read(
      `WITH sends AS (
         SELECT to_char(COALESCE(d.sent_at, d.due_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, d.level,
                count(*) FILTER (WHERE d.state = 'SENT')::int AS sent, count(*) FILTER (WHERE d.state = 'FAILED')::int AS failed
         FROM reminder_delivery d LEFT JOIN organisation o ON o.id = d.organisation_id
         WHERE d.state IN ('SENT', 'FAILED') AND COALESCE(d.sent_at, d.due_at) > $1::timestamptz - make_interval(days => $2) AND ${scope}
         GROUP BY 1, 2),
       acks AS (
         SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, (e.after->>'level')::int AS level, count(*)::int AS acknowledged
         FROM audit_event e LEFT JOIN organisation o ON o.id = e.organisation_id
         WHERE e.entity_type = 'reminders' AND e.action = 'acknowledge' AND e.occurred_at > $1::timestamptz - make_interval(days => $2) AND ${scope}
         GROUP BY 1, 2)
       SELECT COALESCE(s.day, a.day) AS day, COALESCE(s.level, a.level) AS level, COALESCE(s.sent, 0) AS sent, COALESCE(s.failed, 0) AS failed, COALESCE(a.acknowledged, 0) AS acknowledged
       FROM sends s FULL JOIN acks a ON a.day = s.day AND a.level = s.level ORDER BY 1, 2`,
      params,
    );
    // counts of reminders, published nowhere else (no totals): a viewer does not see one under SMALL_CELL
    if (!suppressible(actor)) return rows;
    const shown = (n: number) => (isSmall(n) ? null : n);
    return rows.map((r: any) => ({ ...r, sent: shown(r.sent), failed: shown(r.failed), acknowledged: shown(r.acknowledged) }));
  }
}

/** Least squares over the last 14 points: the pace, and the day the line reaches zero. Pure. */
function projectFinish(points: Array<{ day: string; value: number }>): { pacePerDay: number | null; projectedFinish: string | null } {
  const recent = points.slice(-14);
  if (recent.length < 2) return { pacePerDay: null, projectedFinish: null };
  const xs = recent.map((p) => Date.parse(`${p.day}T00:00:00Z`) / DAY);
  const ys = recent.map((p) => p.value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / sxx;
  const pace = -slope;
  const last = recent[recent.length - 1];
  if (!(pace > 0)) return { pacePerDay: Math.round(pace * 100) / 100, projectedFinish: null };
  if (last.value <= 0) return { pacePerDay: Math.round(pace * 100) / 100, projectedFinish: last.day };
  const finish = new Date((xs[xs.length - 1] + last.value / pace) * DAY);
  return { pacePerDay: Math.round(pace * 100) / 100, projectedFinish: finish.toISOString().slice(0, 10) };
}
