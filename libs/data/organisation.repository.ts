import type { EntityManager } from 'typeorm';
import { AppError } from '../core/errors/app-error';
import type { Actor } from '../domain/actor';
import { OrganisationEntity } from './entities/organisation.entity';
import { organisationScopeSql } from './scope';

const UUID = /^[0-9a-f-]{36}$/i;

/** Tables whose rows belong to one organisation, by the label their NOT_FOUND carries. */
const OWNED_TABLES = { Footprint: 'footprint', Milestone: 'milestone', Extension: 'extension' } as const;
export type OwnedLabel = keyof typeof OWNED_TABLES;

/**
 * The SQL condition that an organisation takes part in a programme: it has the programme's milestone
 * plan (made when it joined) or its stored status there. `programme` is the parameter's placeholder.
 */
export function takesPartSql(alias: string, programme: string): string {
  return `(EXISTS (SELECT 1 FROM milestone pm WHERE pm.organisation_id = ${alias}.id AND pm.programme_id = ${programme})
    OR EXISTS (SELECT 1 FROM organisation_status ps WHERE ps.organisation_id = ${alias}.id AND ps.programme_id = ${programme}))`;
}

export function organisationFromRow(r: Record<string, any>): OrganisationEntity {
  return Object.assign(new OrganisationEntity(), {
    id: r.id, externalKey: r.external_key, name: r.name, primarySectorCode: r.primary_sector_code,
    secondarySectorCodes: r.secondary_sector_codes ?? [], stateCode: r.state_code, sizeBand: r.size_band,
    criticalityTier: r.criticality_tier, archivedAt: r.archived_at, lastReportedAt: r.last_reported_at,
    createdAt: r.created_at, updatedAt: r.updated_at, version: r.version,
  });
}

/**
 * Reads of the organisation row in a caller's scope. NOT_FOUND both for an id that does not exist and
 * for one outside the scope, so a refusal never tells that an id exists.
 */
export const OrganisationRepository = {
  async getInScope(manager: EntityManager, actor: Actor, id: string, lock = false): Promise<OrganisationEntity> {
    if (!UUID.test(id)) throw AppError.notFound('Organisation', id);
    const params: unknown[] = [id];
    const scope = organisationScopeSql(actor, 'o', params);
    const rows = await manager.query(`SELECT o.* FROM organisation o WHERE o.id = $1 AND ${scope}${lock ? ' FOR UPDATE' : ''}`, params);
    if (rows.length === 0) throw AppError.notFound('Organisation', id);
    return organisationFromRow(rows[0]);
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

  /** What the organisation said of itself last: a report, never a staff edit of other facts. */
  async markReported(manager: EntityManager, ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      ids.length === 1 ? `UPDATE organisation SET last_reported_at = $2 WHERE id = $1::uuid` : `UPDATE organisation SET last_reported_at = $2 WHERE id = ANY($1::uuid[])`,
      [ids.length === 1 ? ids[0] : ids, at],
    );
  },
};
