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
}

/** Which of an organisation's rows a read nests, and the programme its footprint and milestones are of. */
export interface ChildrenWanted {
  kinds: ChildKind[];
  programmeId: string;
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
      return `, (SELECT coalesce(json_agg(${entityJson(dataSource, k.entity, k.alias)} ORDER BY ${k.order}), '[]') FROM ${k.table} ${k.alias}
       WHERE ${k.alias}.organisation_id = o.id${k.perProgramme ? ` AND ${k.alias}.programme_id = ${programme}` : ''}) AS "nested_${kind}"`;
    })
    .join('');
}

export function childrenFromRow(dataSource: DataSource, wanted: ChildrenWanted, row: Record<string, unknown>): OrganisationChildren {
  const children: Record<string, unknown[]> = {};
  for (const kind of wanted.kinds) {
    children[kind] = (row[`nested_${kind}`] as unknown[][]).map((r) => entityFromJson(dataSource, KINDS[kind].entity, r));
  }
  return children as OrganisationChildren;
}
