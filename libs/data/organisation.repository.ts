import type { EntityManager } from 'typeorm';
import type { CombinedWrite } from '@libs/core/database/combined-write';
import { AppError } from '@libs/core/errors/app-error';
import type { Actor } from '@libs/domain/actor';
import { OrganisationEntity } from './entities/organisation.entity';
import { organisationScopeSql } from './scope';
import { ChildrenWanted, childrenFromRow, childrenSql, OrganisationChildren } from './organisation-rows';

const UUID = /^[0-9a-f-]{36}$/i;

/** Tables whose rows belong to one organisation, by the label their NOT_FOUND carries. */
const OWNED_TABLES = { Footprint: 'footprint', Milestone: 'milestone', Extension: 'extension' } as const;
export type OwnedLabel = keyof typeof OWNED_TABLES;

/**
 * The SQL condition that an organisation takes part in a programme: it has the programme's milestone
 * plan, made when it joined (created in it, imported into it, or a footprint reported in it; a plan has
 * at least one step). `programme` is the parameter's placeholder.
 */
export function takesPartSql(alias: string, programme: string): string {
  return `EXISTS (SELECT 1 FROM milestone pm WHERE pm.organisation_id = ${alias}.id AND pm.programme_id = ${programme})`;
}

export function organisationFromRow(r: Record<string, any>): OrganisationEntity {
  return Object.assign(new OrganisationEntity(), {
    id: r.id,
    externalKey: r.external_key,
    name: r.name,
    primarySectorCode: r.primary_sector_code,
    secondarySectorCodes: r.secondary_sector_codes ?? [],
    stateCode: r.state_code,
    sizeBand: r.size_band,
    criticalityTier: r.criticality_tier,
    archivedAt: r.archived_at,
    lastReportedAt: r.last_reported_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  });
}

async function readInScope(manager: EntityManager, actor: Actor, id: string, suffix: string, wanted?: ChildrenWanted) {
  if (!UUID.test(id)) throw AppError.notFound('Organisation', id);
  const params: unknown[] = [id];
  const scope = organisationScopeSql(actor, 'o', params);
  const nested = wanted ? childrenSql(manager.connection, wanted, params) : '';
  const rows = await manager.query(`SELECT o.*${nested} FROM organisation o WHERE o.id = $1 AND ${scope}${suffix}`, params);
  if (rows.length === 0) throw AppError.notFound('Organisation', id);
  return { organisation: organisationFromRow(rows[0]), row: rows[0] as Record<string, unknown> };
}

/**
 * Reads of the organisation row in a caller's scope. NOT_FOUND both for an id that does not exist and
 * for one outside the scope, so a refusal never tells that an id exists.
 */
export const OrganisationRepository = {
  async getInScope(manager: EntityManager, actor: Actor, id: string, lock = false): Promise<OrganisationEntity> {
    return (await readInScope(manager, actor, id, lock ? ' FOR UPDATE' : '')).organisation;
  },

  /** One organisation in the caller's scope with the rows its read will need, in one statement. */
  async getWithRows(
    manager: EntityManager,
    actor: Actor,
    id: string,
    wanted: ChildrenWanted,
  ): Promise<{ organisation: OrganisationEntity; children: OrganisationChildren }> {
    const { organisation, row } = await readInScope(manager, actor, id, '', wanted);
    return { organisation, children: childrenFromRow(manager.connection, wanted, row) };
  },

  /**
   * The organisation that owns a footprint row, milestone or extension, locked in the caller's scope, in
   * one statement. The refusal carries the row's own name.
   */
  async lockOwnerOf(manager: EntityManager, actor: Actor, label: OwnedLabel, id: string): Promise<OrganisationEntity> {
    if (!UUID.test(id)) throw AppError.notFound(label, id);
    const params: unknown[] = [id];
    const scope = organisationScopeSql(actor, 'o', params);
    const rows = await manager.query(
      `SELECT o.* FROM organisation o WHERE o.id = (SELECT organisation_id FROM ${OWNED_TABLES[label]} WHERE id = $1) AND ${scope} FOR UPDATE OF o`,
      params,
    );
    if (rows.length === 0) throw AppError.notFound(label, id);
    return organisationFromRow(rows[0]);
  },

  /**
   * One page of the organisations taking part in a programme, in id order: a page of `limit` ids by the
   * primary key (a plain index scan whatever the statistics say), and those of it that take part and
   * are not archived. `last` is where the next page starts; null when there is none.
   */
  async participantsPage(manager: EntityManager, programmeId: string, after: string, limit: number): Promise<{ ids: string[]; last: string | null }> {
    const [row] = await manager.query(
      `WITH page AS MATERIALIZED (SELECT id, archived_at FROM organisation WHERE id > $1 ORDER BY id LIMIT $2)
       SELECT (SELECT id FROM page ORDER BY id DESC LIMIT 1) AS last,
              coalesce((SELECT array_agg(p.id ORDER BY p.id) FROM page p WHERE p.archived_at IS NULL AND ${takesPartSql('p', '$3')}), '{}') AS ids`,
      [after, limit, programmeId],
    );
    return { ids: row.ids, last: row.last };
  },

  /** A page of the organisations in a caller's scope taking part in a programme, in id order after `after`. */
  async pageInScope(manager: EntityManager, actor: Actor, programmeId: string, after: string | undefined, limit: number): Promise<string[]> {
    const params: unknown[] = [programmeId, after ?? '00000000-0000-0000-0000-000000000000', limit];
    const scope = organisationScopeSql(actor, 'o', params);
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT o.id FROM organisation o WHERE o.archived_at IS NULL AND o.id > $2::uuid AND ${takesPartSql('o', '$1')} AND ${scope} ORDER BY o.id LIMIT $3`,
      params,
    );
    return rows.map((r) => r.id);
  },

  /** What the organisation said of itself last: a report, never a staff edit of other facts. */
  markReported(write: CombinedWrite, ids: readonly string[], at: Date): void {
    if (ids.length === 0) return;
    write.add(
      write.unique('reported'),
      ids.length === 1
        ? `UPDATE organisation SET last_reported_at = $2 WHERE id = $1::uuid RETURNING 1`
        : `UPDATE organisation SET last_reported_at = $2 WHERE id = ANY($1::uuid[]) RETURNING 1`,
      [ids.length === 1 ? ids[0] : ids, at],
    );
  },
};
