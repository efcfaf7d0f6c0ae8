import type { DataSource } from 'typeorm';
import { entityColumns, entityFromJson, entityJson } from '@libs/core/database/entity-columns';
import { ContactEntity } from './entities/contact.entity';
import { ExtensionEntity } from './entities/extension.entity';
import { FootprintEntity } from './entities/footprint.entity';
import { MilestoneEntity } from './entities/milestone.entity';

/**
 * An organisation's own rows (its footprint and milestones in one programme, its contacts, its
 * extensions), read two ways with one order each: many organisations' rows of one kind in a statement of
 * their own (the request's loaders), or nested as JSON inside the statement that reads the organisations
 * (a page or one organisation), so a read that knows it will need them costs no statement more.
 */
const KINDS = {
  footprint: { entity: FootprintEntity, alias: 'f', table: 'footprint', order: 'f.created_at, f.id', perProgramme: true },
  milestones: { entity: MilestoneEntity, alias: 'm', table: 'milestone', order: 'm.track, m.position', perProgramme: true },
  contacts: {
    entity: ContactEntity,
    alias: 'c',
    table: 'contact',
    perProgramme: false,
    order: `array_position(ARRAY['PRIMARY','EXECUTIVE','SECURITY_LEAD','OTHER'], c.role), c.name, c.id`,
  },
  extensions: { entity: ExtensionEntity, alias: 'e', table: 'extension', order: 'e.requested_at DESC, e.id', perProgramme: false },
} as const;

export type ChildKind = keyof typeof KINDS;

export interface OrganisationChildren {
  footprint?: FootprintEntity[];
  milestones?: MilestoneEntity[];
  contacts?: ContactEntity[];
  extensions?: ExtensionEntity[];
  /** The kinds read as projections (`ChildrenWanted.projections`): plain objects under the projection's keys, not entities. */
  projected?: Partial<Record<ChildKind, Array<Record<string, unknown>>>>;
}

/**
 * One key of a projected row: an entity property read as is (instants as ISO-8601 text in UTC with
 * milliseconds, as `Date.prototype.toISOString` writes them), or a fixed expression over the row's alias.
 */
export type ProjectedKey = { key: string; property: string } | { key: string; sql: (alias: string) => string };

/** Which of an organisation's rows a read nests, and the programme its footprint and milestones are of. */
export interface ChildrenWanted {
  kinds: ChildKind[];
  programmeId: string;
  /**
   * Kinds whose reader needs only some columns, shown as they are: those rows come back as plain
   * objects holding just these keys, built by PostgreSQL, rather than as whole entities.
   */
  projections?: Partial<Record<ChildKind, ProjectedKey[]>>;
}

/** Many organisations' rows of one kind, in the one order (for footprint and milestones, of one programme). */
export function childRows<K extends ChildKind>(
  dataSource: DataSource,
  kind: K,
  organisationIds: readonly string[],
  programmeId?: string,
): Promise<NonNullable<OrganisationChildren[K]>> {
  const k = KINDS[kind];
  const params: unknown[] = [organisationIds];
  if (k.perProgramme) params.push(programmeId);
  return dataSource.query(
    `SELECT ${entityColumns(dataSource, k.entity, k.alias)} FROM ${k.table} ${k.alias}
     WHERE ${k.alias}.organisation_id = ANY($1::uuid[])${k.perProgramme ? ` AND ${k.alias}.programme_id = $2` : ''} ORDER BY ${k.order}`,
    params,
  );
}

/**
 * Select-list entries that nest the wanted rows of the organisation aliased `o` as JSON columns; the
 * programme goes into `params`. Read them back with `childrenFromRow`.
 */
export function childrenSql(dataSource: DataSource, wanted: ChildrenWanted, params: unknown[]): string {
  if (wanted.kinds.length === 0) return '';
  let programme = '';
  if (wanted.kinds.some((kind) => KINDS[kind].perProgramme)) {
    params.push(wanted.programmeId);
    programme = `$${params.length}::uuid`;
  }
  return wanted.kinds
    .map((kind) => {
      const k = KINDS[kind];
      const projection = wanted.projections?.[kind];
      const row = projection ? projectionJson(dataSource, k.entity, k.alias, projection) : entityJson(dataSource, k.entity, k.alias);
      return `, (SELECT coalesce(json_agg(${row} ORDER BY ${k.order}), '[]') FROM ${k.table} ${k.alias}
       WHERE ${k.alias}.organisation_id = o.id${k.perProgramme ? ` AND ${k.alias}.programme_id = ${programme}` : ''}) AS "nested_${kind}"`;
    })
    .join('');
}

export function childrenFromRow(dataSource: DataSource, wanted: ChildrenWanted, row: Record<string, unknown>): OrganisationChildren {
  const children: OrganisationChildren = {};
  for (const kind of wanted.kinds) {
    const rows = row[`nested_${kind}`] as unknown[];
    if (wanted.projections?.[kind]) (children.projected ??= {})[kind] = rows as Array<Record<string, unknown>>;
    else (children as Record<string, unknown[]>)[kind] = (rows as unknown[][]).map((r) => entityFromJson(dataSource, KINDS[kind].entity, r));
  }
  return children;
}

const projectionCache = new WeakMap<object, Map<string, string>>();

/**
 * `json_build_object('key', column, …)` for a projection: PostgreSQL writes each row's JSON with only the
 * keys asked for, and instants as the text a Date's toISOString gives (so nothing is parsed or
 * re-formatted in Node). The same projection gives the same SQL, remembered per entity.
 */
function projectionJson(dataSource: DataSource, entity: object, alias: string, projection: ProjectedKey[]): string {
  // the readers keep their projections (one per query), so the array itself is the key
  const byKey = projectionCache.get(projection) ?? new Map<string, string>();
  projectionCache.set(projection, byKey);
  const cacheKey = alias;
  let sql = byKey.get(cacheKey);
  if (!sql) {
    const columns = dataSource.getMetadata(entity as never).columns;
    const parts = projection.map((p) => {
      if ('sql' in p) return `'${p.key}', ${p.sql(alias)}`;
      const column = columns.find((c) => c.propertyName === p.property);
      if (!column) throw new Error(`${String((entity as { name?: string }).name)} has no column for ${p.property}`);
      const instant = column.type === 'timestamptz' || column.type === 'timestamp with time zone';
      const value = instant
        ? `to_char(${alias}.${column.databaseName} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        : `${alias}.${column.databaseName}${column.type === 'date' ? '::text' : ''}`;
      return `'${p.key}', ${value}`;
    });
    // json_build_object takes at most 100 arguments: 50 keys
    sql = `json_build_object(${parts.join(', ')})`;
    byKey.set(cacheKey, sql);
  }
  return sql;
}
