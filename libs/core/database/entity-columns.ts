import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

const cache = new WeakMap<object, Map<string, string>>();

/**
 * The select list that reads an entity's columns under their property names (`f.organisation_id AS
 * "organisationId"`, dates as YYYY-MM-DD text as TypeORM gives them), so a raw statement returns rows
 * shaped like the entity without the query builder's hydration: read paths that load hundreds of rows
 * per request (nested lists) spend their time on the data, not on mapping it.
 */
export function entityColumns(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string): string {
  const byAlias = cache.get(entity as object) ?? new Map<string, string>();
  cache.set(entity as object, byAlias);
  let list = byAlias.get(alias);
  if (!list) {
    list = dataSource
      .getMetadata(entity)
      .columns.map((c) => `${alias}.${c.databaseName}${c.type === 'date' ? '::text' : ''} AS "${c.propertyName}"`)
      .join(', ');
    byAlias.set(alias, list);
  }
  return list;
}

const jsonCache = new WeakMap<object, Map<string, JsonShape>>();

interface JsonShape {
  sql: string;
  /** Property names in the order of the array's items, each with whether it is an instant. */
  properties: Array<[name: string, instant: boolean]>;
}

function jsonShape(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string): JsonShape {
  const byAlias = jsonCache.get(entity as object) ?? new Map<string, JsonShape>();
  jsonCache.set(entity as object, byAlias);
  let shape = byAlias.get(alias);
  if (!shape) {
    const columns = dataSource.getMetadata(entity).columns;
    shape = {
      sql: `json_build_array(${columns.map((c) => `${alias}.${c.databaseName}`).join(', ')})`,
      properties: columns.map((c) => [c.propertyName, c.type === 'timestamptz' || c.type === 'timestamp with time zone']),
    };
    byAlias.set(alias, shape);
  }
  return shape;
}

/**
 * The same row as one JSON array of its columns (`json_build_array(f.id, f.organisation_id, …)`), for
 * statements that nest an organisation's rows inside it: many rows come back as one value, without a
 * key repeated per row, and are read with `entityFromJson`. Dates are YYYY-MM-DD in JSON already.
 */
export function entityJson(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string): string {
  return jsonShape(dataSource, entity, alias).sql;
}

/** A row read through `entityJson`, shaped as `entityColumns` would give it (instants as Dates). */
export function entityFromJson<T>(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, values: unknown[]): T {
  const row: Record<string, unknown> = {};
  const properties = jsonShape(dataSource, entity, '_').properties;
  for (let i = 0; i < properties.length; i++) {
    const [name, instant] = properties[i];
    const v = values[i];
    row[name] = instant && typeof v === 'string' ? new Date(v) : v;
  }
  return row as T;
}
