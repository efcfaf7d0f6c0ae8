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
    list = dataSource.getMetadata(entity).columns
      .map((c) => `${alias}.${c.databaseName}${c.type === 'date' ? '::text' : ''} AS "${c.propertyName}"`)
      .join(', ');
    byAlias.set(alias, list);
  }
  return list;
}
