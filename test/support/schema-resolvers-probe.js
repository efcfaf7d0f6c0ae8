// Builds the application's GraphQL schema from the built code as Nest's schema builder makes it (no
// database or server), applies withPlainPropertyFields, and prints one JSON line: the fields that had
// Nest's plain resolver before and after, and whether resolvers of other names were kept. The builder
// alone gives @ResolveField fields and queries no resolver (the running server's explorer does): those
// get a stand-in of another name here, as the explorer's have.
const { join } = require('node:path');
const DIST = join(__dirname, '../../dist/libs/graphql');
const { GraphQLObjectType } = require('graphql');
const { buildSchemaFromCode } = require(join(DIST, 'schema-sdl.js'));
const { withPlainPropertyFields } = require(join(DIST, 'plain-property-fields.js'));

const OWN = ['Organisation.footprint', 'Organisation.milestones', 'Organisation.contacts', 'Query.organisation', 'Query.atRisk'];
const resolverOf = (schema, path) => {
  const [type, field] = path.split('.');
  return schema.getType(type).getFields()[field].resolve;
};
const plainFields = (schema) =>
  Object.values(schema.getTypeMap())
    .filter((t) => t instanceof GraphQLObjectType && !t.name.startsWith('__'))
    .flatMap((t) => Object.values(t.getFields()).map((f) => ({ path: `${t.name}.${f.name}`, name: f.resolve?.name })))
    .filter((f) => f.name === 'rootFieldResolver')
    .map((f) => f.path);

(async () => {
  const schema = await buildSchemaFromCode();
  const before = plainFields(schema);
  const own = new Map(
    OWN.map((p) => {
      const [type, field] = p.split('.');
      const standIn = function resolvesMore() {};
      schema.getType(type).getFields()[field].resolve = standIn;
      return [p, standIn];
    }),
  );
  // Nest's plain resolver for a field renamed with `name:` reads another property; for a `defaultValue`, answers it when missing: both stay
  const renamed = { rootFieldResolver: (root) => root.legalName }.rootFieldResolver;
  const defaulted = { rootFieldResolver: (root) => root.externalKey ?? 'none' }.rootFieldResolver;
  schema.getType('Organisation').getFields().name.resolve = renamed;
  schema.getType('Organisation').getFields().externalKey.resolve = defaulted;
  const returned = withPlainPropertyFields(schema);
  const kept = Object.fromEntries(OWN.map((p) => [p, resolverOf(schema, p) === own.get(p)]));
  kept['Organisation.name (renamed)'] = resolverOf(schema, 'Organisation.name') === renamed;
  kept['Organisation.externalKey (defaulted)'] = resolverOf(schema, 'Organisation.externalKey') === defaulted;
  process.stdout.write(
    `${JSON.stringify({ before, after: plainFields(schema), kept, sameSchema: returned === schema, targetAt: typeof resolverOf(schema, 'Milestone.targetAt') })}\n`,
  );
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
