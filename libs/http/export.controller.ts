import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_SCHEMA, REFUSALS } from './openapi';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Transform } from 'node:stream';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { Actor } from '@libs/domain/actor';
import { Allow } from '@libs/access/access.decorators';
import { RequestActor } from '@libs/access/access.guard';
import { OrganisationFilter } from '@libs/organisations/dto/organisations.args';
import { OrganisationsService } from '@libs/organisations/organisations.service';
import { BreakdownDimension, OrganisationStatusEnum } from '@libs/domain/vocabulary';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { DashboardService } from '@libs/dashboard/dashboard.service';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import { Clock } from '@libs/core/clock/clock';

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(';') : String(v);
  // a leading = + - @ would be a formula in a spreadsheet: quote it with an apostrophe
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const csvLine = (values: unknown[]) => `${values.map(csvCell).join(',')}\r\n`;

const ORGANISATION_COLUMNS = [
  'id',
  'external_key',
  'name',
  'primary_sector',
  'secondary_sectors',
  'state',
  'region',
  'size_band',
  'criticality_tier',
  'status',
  'endpoints_total',
  'endpoints_remaining',
  'milestones_overdue',
  'risk_score',
  'last_reported_at',
  'archived_at',
  'products',
  'report_age_days',
  'report_stale',
  'endpoints_verified',
  'endpoints_remaining_verified',
  'rows_unverified',
  'latest_verified_at',
  'latest_verified_by',
  'verification_age_days',
  'verification_stale',
];

/**
 * Each organisation's products in the programme, one per footprint row, `;` between them:
 * `CODE[ (vendor)] ENVIRONMENT remaining/total`, then `verified N by <credential> YYYY-MM-DD` when a liaison verified it.
 * And the report and the verifications with their age at the clock's now ($now) and staleness ($staleDays), as the
 * organisation's reportedAndVerified field gives them (libs/domain/report-rules.ts).
 */
const PRODUCTS_AND_VERIFICATION = (programme: string, now: string, staleDays: string) => `
  (SELECT string_agg(f.product_code || CASE WHEN f.product_code = 'WHITE_LABEL' THEN ' (' || btrim(f.vendor) || ')' ELSE '' END || ' ' || f.environment || ' '
            || f.endpoints_remaining || '/' || f.endpoint_count
            || CASE WHEN f.verified_at IS NULL THEN '' ELSE ' verified ' || f.verified_remaining || ' by ' || f.verified_by || ' ' || to_char(f.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END,
          '; ' ORDER BY f.created_at, f.id)
   FROM footprint f WHERE f.organisation_id = o.id AND f.programme_id = ${programme}) AS products,
  floor(extract(epoch FROM ${now} - o.last_reported_at) / 8640) / 10 AS report_age_days,
  (o.last_reported_at IS NULL OR ${now} - o.last_reported_at > make_interval(days => ${staleDays})) AS report_stale,
  v.verified_total AS endpoints_verified, v.verified_remaining AS endpoints_remaining_verified, v.rows_unverified, v.latest AS latest_verified_at,
  v.latest_by AS latest_verified_by, floor(extract(epoch FROM ${now} - v.oldest) / 8640) / 10 AS verification_age_days, v.rows_unverified > 0 AS verification_stale`;
const VERIFICATION_OF = (programme: string, now: string, staleDays: string) => `
  CROSS JOIN LATERAL (
    SELECT COALESCE(sum(f.endpoint_count) FILTER (WHERE f.verified_at IS NOT NULL), 0) AS verified_total,
           COALESCE(sum(f.verified_remaining), 0) AS verified_remaining,
           count(*) FILTER (WHERE f.verified_at IS NULL OR ${now} - f.verified_at > make_interval(days => ${staleDays})) AS rows_unverified,
           max(f.verified_at) AS latest, (array_agg(f.verified_by ORDER BY f.verified_at DESC) FILTER (WHERE f.verified_at IS NOT NULL))[1] AS latest_by,
           CASE WHEN bool_and(f.verified_at IS NOT NULL) THEN min(f.verified_at) END AS oldest
    FROM footprint f WHERE f.organisation_id = o.id AND f.programme_id = ${programme}) v`;

/**
 * CSV exports of one programme (`?programme=<key or id>`, the default programme without it: the
 * organisations taking part in it, with their status there), streamed from a PostgreSQL cursor so 200,000 rows never sit in memory. Each starts with a
 * TLP marking line: organisation lists are TLP:AMBER (named organisations), sector figures TLP:GREEN.
 * Each route declares its roles (@Allow); the AccessGuard admits the caller through the one door.
 *
 * A streamed export runs as long as its reader reads, however slowly; a reader that takes nothing for
 * EXPORT_STALL_MS loses the export and its database connection goes back (see stream()).
 */
@ApiTags('export')
@ApiBearerAuth()
@ApiResponse({ status: 401, ...REFUSALS[401] })
@ApiResponse({ status: 403, ...REFUSALS[403] })
@ApiResponse({ status: 503, ...REFUSALS[503] })
@Controller('export')
export class ExportController {
  private readonly logger = new Logger(ExportController.name);
  private readonly stallMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly dashboard: DashboardService,
    private readonly programmes: ProgrammesService,
    private readonly clock: Clock,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.stallMs = runtime.config.EXPORT_STALL_MS;
  }

  @Allow('admin', 'liaison')
  @Get('organisations.csv')
  @ApiOperation({
    summary: 'Organisations in your scope with their status, as CSV (TLP:AMBER)',
    description: 'Admins and liaisons. Streamed; the same filters as the organisations query. Cells that would be spreadsheet formulas are quoted.',
  })
  @ApiQuery({ name: 'sector', required: false, description: 'A sector code, primary or secondary' })
  @ApiQuery({ name: 'state', required: false, description: 'A state code' })
  @ApiQuery({ name: 'region', required: false, type: Number, description: 'CISA region (1-10)' })
  @ApiQuery({ name: 'status', required: false, enum: Object.values(OrganisationStatusEnum), description: 'Stored status' })
  @ApiQuery({ name: 'search', required: false, description: 'Text found in the name or external key (case-insensitive)' })
  @ApiQuery({ name: 'includeArchived', required: false, type: Boolean })
  @ApiQuery({ name: 'programme', required: false, description: 'The programme (id or key); the default one when omitted' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'A TLP line, a header line, then one line per organisation', schema: { type: 'string' } })
  @ApiResponse({ status: 400, description: 'BAD_USER_INPUT: a filter value out of range', schema: ERROR_SCHEMA })
  async organisationsCsv(@RequestActor() actor: Actor, @Res() reply: FastifyReply, @Query() query: Record<string, string>) {
    const filter = plainToInstance(OrganisationFilter, {
      ...query,
      region: query.region ? Number(query.region) : undefined,
      includeArchived: query.includeArchived === 'true',
      stillRunning: query.stillRunning === undefined ? undefined : query.stillRunning === 'true',
    });
    const errors = validateSync(filter, { whitelist: true, forbidNonWhitelisted: false });
    if (errors.length) {
      return reply
        .code(400)
        .send({ code: 'BAD_USER_INPUT', fields: errors.map((e) => ({ field: e.property, message: Object.values(e.constraints ?? {})[0] })) });
    }
    const programme = await this.programmes.resolve(query.programme);
    const { where, params } = this.organisations.filterSql(actor, filter, programme.id);
    params.push(programme.id, this.clock.now(), programme.staleReportDays);
    const [p, now, stale] = [`$${params.length - 2}::uuid`, `$${params.length - 1}::timestamptz`, `$${params.length}::int`];
    const sql = `SELECT o.id, o.external_key, o.name, o.primary_sector_code, o.secondary_sector_codes, o.state_code, st.region, o.size_band, o.criticality_tier,
        s.status, s.endpoints_total, s.endpoints_remaining, s.milestones_overdue, s.risk_score, o.last_reported_at, o.archived_at,
        ${PRODUCTS_AND_VERIFICATION(p, now, stale)}
      FROM organisation o JOIN us_state st ON st.code = o.state_code
      JOIN organisation_status s ON s.organisation_id = o.id AND s.programme_id = ${p}
      ${VERIFICATION_OF(p, now, stale)}
      WHERE ${where.join(' AND ')} ORDER BY lower(o.name), o.id`;
    await this.stream(reply, 'organisations.csv', 'TLP:AMBER', ORGANISATION_COLUMNS, sql, params);
  }

  @Allow('admin', 'liaison', 'viewer')
  @Get('sectors.csv')
  @ApiOperation({
    summary: 'The sector breakdown as CSV (TLP:GREEN)',
    description: "Admins, liaisons and viewers; a viewer's small cells are suppressed as on the dashboard.",
  })
  @ApiQuery({ name: 'programme', required: false, description: 'The programme (id or key); the default one when omitted' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'A TLP line, a header line, then one line per sector', schema: { type: 'string' } })
  async sectorsCsv(@RequestActor() actor: Actor, @Res() reply: FastifyReply, @Query('programme') programmeRef?: string) {
    const rows = await this.dashboard.breakdown(actor, BreakdownDimension.SECTOR, (await this.programmes.resolve(programmeRef)).id);
    const statuses = rows[0]?.byStatus.map((s) => s.status) ?? [];
    const head = [
      'sector',
      'name',
      'organisations',
      ...statuses.map((s) => s.toLowerCase()),
      'endpoints_total',
      'endpoints_remaining',
      'share_removed',
      'verified',
      'suppressed',
    ];
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="sectors.csv"');
    const body = [
      'TLP:GREEN\r\n',
      csvLine(head),
      ...rows.map((r) =>
        csvLine([
          r.key,
          r.label,
          r.organisations,
          ...r.byStatus.map((s) => s.organisations),
          r.endpointsTotal,
          r.endpointsRemaining,
          r.shareRemoved === null ? null : r.shareRemoved.toFixed(4),
          r.verified,
          r.suppressed,
        ]),
      ),
    ].join('');
    return reply.send(body);
  }

  /**
   * Streams the rows of `sql` as CSV from a cursor on a connection of its own, inside a read-only
   * transaction whose statement timeout is off: PostgreSQL counts a cursor's whole life as one statement,
   * so DATABASE_STATEMENT_TIMEOUT_MS would cut off a long export that is still being read. What bounds it
   * instead is its reader: when the answer has been waiting for the client to take data for
   * EXPORT_STALL_MS, the export is abandoned: the connection is closed (the server ends the cursor and
   * the transaction with it) and the client's connection too. A client that goes away ends it the same way.
   */
  private async stream(reply: FastifyReply, filename: string, tlp: string, columns: string[], sql: string, params: unknown[]) {
    const pool = (this.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
    const client = await pool.connect();
    let released = false;
    // a connection given back with an error is closed by the pool rather than reused mid-cursor
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      client.release(error);
    };
    try {
      await client.query('BEGIN READ ONLY');
      await client.query('SET LOCAL statement_timeout = 0');
    } catch (error) {
      release(error as Error);
      throw error;
    }
    const rows = client.query(new QueryStream(sql, params, { batchSize: 1000 }));
    let first = true;
    const csv = new Transform({
      objectMode: true,
      transform(row: Record<string, unknown>, _enc, done) {
        const prefix = first ? `${tlp}\r\n${csvLine(columns)}` : '';
        first = false;
        done(null, prefix + csvLine(Object.values(row)));
      },
      flush(done) {
        done(null, first ? `${tlp}\r\n${csvLine(columns)}` : '');
      },
    });
    let ended = false;
    rows.on('end', () => {
      ended = true;
      client.query('COMMIT').then(
        () => release(),
        (error: Error) => release(error),
      );
    });
    rows.on('error', (error: Error) => {
      release(error);
      csv.destroy(error);
    });
    csv.on('close', () => {
      if (!ended) release(new Error('export ended before its last row'));
    });

    const response = reply.raw;
    let waitingSince: number | null = null;
    response.on('drain', () => (waitingSince = null));
    const guard = setInterval(
      () => {
        if (!response.writableNeedDrain) {
          waitingSince = null;
          return;
        }
        waitingSince ??= Date.now();
        if (Date.now() - waitingSince < this.stallMs) return;
        clearInterval(guard);
        this.logger.warn(`${filename}: the client took nothing for ${this.stallMs} ms (EXPORT_STALL_MS); export abandoned, its connection closed`);
        release(new Error('export stalled'));
        response.destroy();
      },
      Math.min(1000, Math.max(50, Math.floor(this.stallMs / 4))),
    );
    guard.unref();
    response.once('close', () => clearInterval(guard));

    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`);
    return reply.send(rows.pipe(csv));
  }
}
