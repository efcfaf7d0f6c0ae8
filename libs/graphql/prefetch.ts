import { visit } from 'graphql';
import type { FieldNode, GraphQLObjectType, GraphQLResolveInfo, GraphQLScalarType, GraphQLSchema } from 'graphql';
import { FieldsByTypeName, parseResolveInfo, ResolveTree } from 'graphql-parse-resolve-info';
import type { ChildKind, ChildrenWanted, OrganisationChildren, ProjectedKey } from '@libs/data/organisation-rows';
import { toFootprintModel } from './footprint/footprint.mapper';
import type { FootprintModel } from './footprint/footprint.model';
import type { Loaders } from './loaders';
import { toExtensionModel, toMilestoneModel } from './milestones/milestone.mapper';
import type { ExtensionModel, MilestoneModel } from './milestones/milestone.model';
import { toContactModel } from './organisations/organisation.mapper';
import type { ContactModel, OrganisationModel } from './organisations/organisation.model';

/**
 * Look-ahead for reads of organisations: from the query's own selection, which of an organisation's
 * rows its nested fields will ask for, so the statement that reads the organisations nests them and the
 * request's loaders are primed with them. The nested field resolvers stay as they are (they ask their
 * loader, which answers from what was primed without a statement); a selection this cannot read
 * (footprint of two programmes at once, say) is left to the loaders, one statement per level as before.
 */

/** The Organisation fields whose answer is built from the organisation's own rows, and which rows. */
const NEEDS: Record<string, { kinds: ChildKind[]; perProgramme: boolean }> = {
  footprint: { kinds: ['footprint'], perProgramme: true },
  milestones: { kinds: ['milestones'], perProgramme: true },
  status: { kinds: ['footprint', 'milestones'], perProgramme: true },
  reportedAndVerified: { kinds: ['footprint'], perProgramme: true },
  contacts: { kinds: ['contacts'], perProgramme: false },
  extensions: { kinds: ['extensions'], perProgramme: false },
};

/**
 * The fields of the nested row types that show a column as it is (or a fixed expression of the row), and
 * so can be answered from a projection PostgreSQL builds with just those keys: no entity is made, no
 * instant parsed and formatted again, for the hundreds of rows of a page. A field not listed here (a
 * maintenance window, a resolver of its own such as a milestone's `extensionStanding` or a contact's
 * preferences) makes its kind read as entities, as before.
 */
const same = (...names: string[]): Record<string, ProjectedKey> => Object.fromEntries(names.map((n) => [n, { key: n, property: n }]));
const PROJECTABLE: Record<ChildKind, { typeName: string; fields: Record<string, ProjectedKey>; always: ProjectedKey[] }> = {
  footprint: {
    typeName: 'Footprint',
    fields: {
      ...same(
        'id',
        'organisationId',
        'programmeId',
        'productName',
        'vendor',
        'whiteLabelConfidence',
        'environment',
        'endpointCount',
        'endpointsRemaining',
        'updateChannel',
        'licenceEnd',
        'replacementProduct',
        'replacementChosenByOrganisation',
        'verifiedRemaining',
        'verifiedBy',
        'verifiedAt',
        'replacementVendorCertified',
        'replacementCertificationRef',
        'createdAt',
        'updatedAt',
        'version',
      ),
      // the product is looked up from its code by the field's own plain resolver (reference-fields.ts)
      product: { key: 'productCode', property: 'productCode' },
    },
    always: [],
  },
  milestones: {
    typeName: 'Milestone',
    fields: {
      ...same(
        'id',
        'organisationId',
        'programmeId',
        'key',
        'track',
        'name',
        'position',
        'originalTargetAt',
        'targetAt',
        'state',
        'blockedReason',
        'evidence',
        'reportedBy',
        'reportedAt',
        'verifiedBy',
        'verifiedAt',
        'extensionId',
        'extensionExpiresAt',
        'extensionLapsesTo',
        'maintenanceWindowFootprintId',
        'version',
      ),
      verified: { key: 'verified', sql: (alias) => `${alias}.verified_at IS NOT NULL` },
    },
    // the `track` argument of Organisation.milestones filters on it
    always: [{ key: 'track', property: 'track' }],
  },
  contacts: { typeName: 'Contact', fields: same('id', 'role', 'name', 'email', 'timeZone'), always: [] },
  extensions: {
    typeName: 'Extension',
    fields: same(
      'id',
      'organisationId',
      'milestoneId',
      'justification',
      'requestedTargetAt',
      'state',
      'requestedBy',
      'requestedAt',
      'decidedBy',
      'decidedAt',
      'decisionNote',
      'grantedTargetAt',
      'expiresAt',
      'previousTargetAt',
      'statusReportedAt',
      'statusReportedBy',
      'statusReport',
      'version',
    ),
    always: [],
  },
};

/** The Organisation fields that show one kind of row as a list of its own. */
const LIST_FIELDS: Record<string, ChildKind> = { footprint: 'footprint', milestones: 'milestones', contacts: 'contacts', extensions: 'extensions' };

function fieldsOf(tree: ResolveTree | FieldsByTypeName | null | undefined, typeName: string): ResolveTree[] {
  if (!tree) return [];
  const byType = ('fieldsByTypeName' in tree ? tree.fieldsByTypeName : tree) as FieldsByTypeName;
  return Object.values(byType[typeName] ?? {});
}

/** The selections of the Organisation objects reached from this field by the path of field names, each through the named types. */
function organisationSelections(info: GraphQLResolveInfo, path: Array<[field: string, typeName: string]>): ResolveTree[] {
  const root = selectionTree(info);
  let level: ResolveTree[] = root ? [root] : [];
  for (const [field, typeName] of path) level = level.flatMap((t) => fieldsOf(t, typeName)).filter((t) => t.name === field);
  return level;
}

/** What a read nests for its organisations, and the programme argument its nested fields give (none: the default). */
export interface Nesting {
  wanted: ChildrenWanted;
  programmeArgument: string | undefined;
}

/**
 * What to nest for the Organisation objects reached by `path` (empty: this field answers Organisation
 * itself). Null when nothing is wanted or the selection asks for more than one programme.
 */
export async function wantedChildren(info: GraphQLResolveInfo, path: Array<[field: string, typeName: string]>, loaders: Loaders): Promise<Nesting | null> {
  const tree = selectionTree(info);
  const key = path.map(([f, t]) => `${f}:${t}`).join('/');
  let byPath = analyses.get(tree ?? NO_TREE);
  if (!byPath) analyses.set(tree ?? NO_TREE, (byPath = new Map()));
  let analysis = byPath.get(key);
  if (analysis === undefined) byPath.set(key, (analysis = analyse(info, path)));
  if (!analysis) return null;
  const programme = await loaders.programme.load(analysis.programmeArgument ?? 'default');
  return { wanted: { kinds: analysis.kinds, programmeId: programme.id, projections: analysis.projections }, programmeArgument: analysis.programmeArgument };
}

interface Analysis {
  kinds: ChildKind[];
  programmeArgument: string | undefined;
  projections: NonNullable<ChildrenWanted['projections']>;
}

/** Per selection tree (itself remembered per query and variables), what its reads nest, by path. */
const analyses = new WeakMap<object, Map<string, Analysis | null>>();
const NO_TREE = {};

function analyse(info: GraphQLResolveInfo, path: Array<[field: string, typeName: string]>): Analysis | null {
  const kinds = new Set<ChildKind>();
  const programmes = new Set<string | undefined>();
  // per kind: the keys its list fields show, or null once something needs its rows as entities
  const shown = new Map<ChildKind, Map<string, ProjectedKey> | null>();
  for (const organisation of organisationSelections(info, path)) {
    for (const field of fieldsOf(organisation, 'Organisation')) {
      const need = NEEDS[field.name];
      if (!need) continue;
      need.kinds.forEach((k) => kinds.add(k));
      if (need.perProgramme) programmes.add(field.args.programmeId as string | undefined);
      const listKind = LIST_FIELDS[field.name];
      if (!listKind) {
        // the status and the reported/verified figures are worked out from whole rows
        need.kinds.forEach((k) => shown.set(k, null));
        continue;
      }
      if (shown.get(listKind) === null) continue;
      const projectable = PROJECTABLE[listKind];
      const keys = shown.get(listKind) ?? new Map<string, ProjectedKey>(projectable.always.map((p) => [p.key, p]));
      let whole = false;
      for (const sub of fieldsOf(field, projectable.typeName)) {
        const key = projectable.fields[sub.name];
        if (key) keys.set(key.key, key);
        else if (sub.name !== '__typename') whole = true;
      }
      shown.set(listKind, whole ? null : keys);
    }
  }
  if (kinds.size === 0 || programmes.size > 1) return null;
  const projections: NonNullable<ChildrenWanted['projections']> = {};
  for (const [kind, keys] of shown) if (keys && keys.size > 0) projections[kind] = [...keys.values()];
  return { kinds: [...kinds], programmeArgument: [...programmes][0], projections };
}

/** Whether this field's selection asks, on its object type `typeName`, for the field named `field`. */
export function selects(info: GraphQLResolveInfo, typeName: string, field: string): boolean {
  return fieldsOf(selectionTree(info), typeName).some((f) => f.name === field);
}

/**
 * What a field selects below it, remembered: the server keeps one parsed document per query text, so the
 * same field node comes back with every request of the same query, and the tree below it depends only on
 * the variables used inside its selection (arguments, @skip/@include), which are part of the key. The
 * root's own arguments are not (they may change with every request): readers use the tree's field names
 * and the nested fields' arguments only.
 */
function selectionTree(info: GraphQLResolveInfo): ResolveTree | null {
  const node = info.fieldNodes[0];
  if (info.fieldNodes.length !== 1 || !node) return parseResolveInfo(info) as ResolveTree | null;
  let known = selectionCache.get(node);
  if (!known) {
    known = { names: variablesBelow(node, info), trees: new Map() };
    selectionCache.set(node, known);
  }
  const key = `${info.parentType.name}|${JSON.stringify(known.names.map((n) => info.variableValues[n] ?? null))}`;
  let tree = known.trees.get(key);
  if (tree === undefined) {
    tree = parseResolveInfo(info) as ResolveTree | null;
    if (known.trees.size >= 32) known.trees.clear();
    known.trees.set(key, tree);
  }
  return tree;
}

const selectionCache = new WeakMap<FieldNode, { names: string[]; trees: Map<string, ResolveTree | null> }>();

/** The variables used inside a field's selection, and in every fragment of the operation (which it may spread). */
function variablesBelow(node: FieldNode, info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  const collect = { Variable: (v: { name: { value: string } }) => void names.add(v.name.value) };
  if (node.selectionSet) visit(node.selectionSet, collect);
  for (const fragment of Object.values(info.fragments)) visit(fragment, collect);
  return [...names].sort();
}

const NESTED = Symbol('nested rows');

/** An instant as Date.prototype.toISOString writes it, which is how a projection's SQL writes one. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface NestedModels {
  programmeArgument: string | undefined;
  footprint?: FootprintModel[];
  milestones?: MilestoneModel[];
  contacts?: ContactModel[];
  extensions?: ExtensionModel[];
}

/**
 * Hands one organisation's rows, read by the statement that read it, to the fields that show them: the
 * request's loaders are primed (the status and any other reader of them ask there), and the models ride
 * on the organisation for the plain resolvers of `withNestedRowFields`.
 */
export function attachChildren(model: OrganisationModel, loaders: Loaders, nesting: Nesting, children: OrganisationChildren): OrganisationModel {
  const perProgramme = `${nesting.wanted.programmeId}|${model.id}`;
  const nested: NestedModels = { programmeArgument: nesting.programmeArgument };
  // projected rows are shown as PostgreSQL built them; they are not entities, so no loader is primed with them
  for (const [kind, rows] of Object.entries(children.projected ?? {})) (nested as unknown as Record<string, unknown>)[kind] = rows;
  if (children.footprint) {
    loaders.footprint.prime(perProgramme, children.footprint);
    nested.footprint = children.footprint.map(toFootprintModel);
  }
  if (children.milestones) {
    loaders.milestones.prime(perProgramme, children.milestones);
    nested.milestones = children.milestones.map(toMilestoneModel);
  }
  if (children.contacts) {
    loaders.contacts.prime(model.id, children.contacts);
    nested.contacts = children.contacts.map(toContactModel);
  }
  if (children.extensions) {
    loaders.extensions.prime(model.id, children.extensions);
    nested.extensions = children.extensions.map(toExtensionModel);
  }
  (model as OrganisationModel & { [NESTED]?: NestedModels })[NESTED] = nested;
  return model;
}

/**
 * An organisation's nested lists, when the statement that read it brought them, are answered by plain
 * resolvers (no promise, no Nest pipeline per organisation: a page of 50 asks each list 50 times); any
 * other call (rows not brought, another programme) goes on to the field's own Nest resolver.
 */
export function withNestedRowFields(schema: GraphQLSchema): GraphQLSchema {
  // A projected row's instants are already the text toISOString writes (PostgreSQL formats them in UTC to the
  // millisecond): DateTime shows that text as it is, and a Date as before.
  const dateTime = schema.getType('DateTime') as GraphQLScalarType;
  const serializeDate = dateTime.serialize.bind(dateTime);
  dateTime.serialize = (value: unknown) => (typeof value === 'string' && ISO_INSTANT.test(value) ? value : serializeDate(value));
  const organisation = schema.getType('Organisation') as GraphQLObjectType;
  const fields = organisation.getFields();
  const nestedOf = (parent: unknown) => (parent as { [NESTED]?: NestedModels })[NESTED];
  const fastPath = (name: keyof Omit<NestedModels, 'programmeArgument'>, answer: (rows: unknown[], args: Record<string, unknown>) => unknown) => {
    const field = fields[name];
    const own = field.resolve!;
    const perProgramme = field.args.some((a) => a.name === 'programmeId');
    field.resolve = (parent, args, context, info) => {
      const nested = nestedOf(parent);
      const rows = nested?.[name];
      if (rows && (!perProgramme || args.programmeId === nested.programmeArgument)) return answer(rows, args);
      return own(parent, args, context, info);
    };
  };
  fastPath('footprint', (rows) => rows);
  fastPath('milestones', (rows, args) => (args.track ? (rows as MilestoneModel[]).filter((m) => m.track === args.track) : rows));
  fastPath('contacts', (rows) => rows);
  fastPath('extensions', (rows) => rows);
  return schema;
}
