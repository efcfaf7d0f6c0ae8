import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AggregateCache } from '@libs/core/cache/aggregate-cache';
import { AppError } from '@libs/core/errors/app-error';
import { RUNTIME } from '@libs/core/runtime/runtime';
import type { Runtime } from '@libs/core/runtime/runtime';
import type { OrganisationEntity } from '@libs/data/entities/organisation.entity';
import { organisationFromRow } from '@libs/data/organisation.repository';
import { ChildrenWanted, childrenFromRow, childrenSql, OrganisationChildren } from '@libs/data/organisation-rows';
import { organisationScopeSql } from '@libs/data/scope';
import type { Actor } from '@libs/domain/actor';
import { decodeCursor, encodeCursor } from '@libs/domain/cursor';
import type { OrganisationStatusEnum } from '@libs/domain/vocabulary';
import type { RiskReason } from '@libs/domain/status/risk-score';

interface AtRiskEntry {
  riskScore: number;
  reasons: RiskReason[];
  status: OrganisationStatusEnum;
  organisation: OrganisationEntity;
  /** The organisation's own rows the read asked for, nested in the page's statement. */
  children: OrganisationChildren;
  cursor: string;
}

export interface AtRiskPage {
  /** Null when the caller did not ask for it: counting costs more than the page. */
  totalCount: number | null;
  entries: AtRiskEntry[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The cache key of a caller's scope: callers who see the same rows share answers. */
const scopeKey = (actor: Actor) => `${actor.role}:${[...(actor.sectors ?? [])].sort().join('+')}:${actor.organisationId ?? ''}`;

/**
 * Organisations not complete, ranked by risk score (kept in each organisation's status rollup), a page
 * at a time by cursor. The page, with the rows of each organisation the caller's query will show, is one
 * statement whatever its size; the total is counted only when asked for, and kept a few seconds like
 * the other aggregates (DASHBOARD_CACHE_MS).
 */
@Injectable()
export class AtRiskService {
  private readonly totals: AggregateCache;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.totals = new AggregateCache(runtime.config.DASHBOARD_CACHE_MS);
  }

  async page(
    actor: Actor,
    programmeId: string,
    options: { first?: number; after?: string; total?: boolean; nested?: ChildrenWanted | null },
  ): Promise<AtRiskPage> {
    const limit = Math.min(Math.max(options.first ?? 25, 1), 200);
    const params: unknown[] = [programmeId];
    const scope = organisationScopeSql(actor, 'o', params);
    const where = `s.programme_id = $1 AND o.archived_at IS NULL AND s.status <> 'COMPLETE' AND ${scope}`;
    const countParams = [...params];
    let page = where;
    if (options.after) {
      const [score, id] = decodeRiskCursor(options.after);
      params.push(score, id);
      page += ` AND (s.risk_score, s.organisation_id) < ($${params.length - 1}::int, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    const limitParam = params.length;
    const nested = options.nested ? childrenSql(this.dataSource, options.nested, params) : '';
    const [rows, total] = await Promise.all([
      this.dataSource.query(
        `SELECT o.*, s.risk_score, s.risk_reasons, s.status${nested}
         FROM (SELECT s.* FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id
               WHERE ${page} ORDER BY s.risk_score DESC, s.organisation_id DESC LIMIT $${limitParam}) s
         JOIN organisation o ON o.id = s.organisation_id ORDER BY s.risk_score DESC, s.organisation_id DESC`,
        params,
      ),
      options.total ? this.totals.get(`at-risk-total:${scopeKey(actor)}:${programmeId}`, () => this.count(where, countParams)) : Promise.resolve(null),
    ]);
    const entries: AtRiskEntry[] = rows.slice(0, limit).map((r: Record<string, any>) => ({
      riskScore: r.risk_score,
      reasons: r.risk_reasons,
      status: r.status,
      organisation: organisationFromRow(r),
      children: options.nested ? childrenFromRow(this.dataSource, options.nested, r) : {},
      cursor: encodeCursor(r.risk_score, r.id),
    }));
    return { totalCount: total, entries, endCursor: entries.at(-1)?.cursor ?? null, hasNextPage: rows.length > limit };
  }

  /** On a read replica when one is configured, like the other aggregates. */
  private async count(where: string, params: unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      const [row] = await runner.query(
        `SELECT count(*)::int AS n FROM organisation_status s JOIN organisation o ON o.id = s.organisation_id WHERE ${where}`,
        params,
      );
      return row.n;
    } finally {
      await runner.release();
    }
  }
}

function decodeRiskCursor(cursor: string): [number, string] {
  const decoded = decodeCursor(cursor);
  if (decoded && Number.isInteger(decoded[0])) return decoded as [number, string];
  throw AppError.badInput('after', 'is not a cursor this API issued');
}
