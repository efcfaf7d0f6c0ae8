import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  lexicographicSortSchema,
  parse,
  printSchema,
  validate,
} from 'graphql';
import { listChanges, SCHEMA_FILE, schemaChanges } from '@libs/graphql/schema-contract';
import { newOrganisation } from './support/factories';
import { baseEnv, CLI_MAIN, errorCode, ok, runNode, startServer, TestServer } from './support/server';

const ROOT = join(__dirname, '..');
const WRITE = 'npm run schema:write';

/** The schema the code declares, from the built CLI (`schema print`), as schema:write writes it. */
async function schemaFromCode(): Promise<string> {
  const printed = await runNode(CLI_MAIN, ['schema', 'print'], baseEnv({}));
  if (printed.code !== 0) throw new Error(`schema print failed: ${printed.stderr}`);
  return printed.stdout;
}

const sorted = (schema: GraphQLSchema) => printSchema(lexicographicSortSchema(schema));

/**
 * The schema contract (issue 19): schema.graphql, committed, is what the code declares; the code breaks
 * no client of the last committed schema unless that was committed on purpose; the server serves
 * exactly that schema to the standard introspection query; every type and field says what it is; the
 * dashboard's persisted queries are valid against it and run by hash.
 */
describe('schema contract', () => {
  let code: string;
  beforeAll(async () => {
    code = await schemaFromCode();
  });

  it('schema.graphql is the schema the code declares', async () => {
    const written = readFileSync(join(ROOT, SCHEMA_FILE), 'utf8');
    if (written !== code) {
      const changes = await schemaChanges(written, code);
      const all = [...changes.breaking, ...changes.dangerous, ...changes.safe];
      throw new Error(
        `${SCHEMA_FILE} is not the schema the code declares (${all.length} change(s)):\n${listChanges(all)}\n\nrun \`${WRITE}\` and commit ${SCHEMA_FILE}`,
      );
    }
  });

  it('breaks no client of the last committed schema.graphql (a deliberate break is committed with the schema)', async () => {
    let committed: string;
    try {
      committed = execFileSync('git', ['show', `HEAD:${SCHEMA_FILE}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // not a git checkout (an unpacked archive): the first test still holds the file to the code
      return;
    }
    const { breaking } = await schemaChanges(committed, code);
    if (breaking.length) {
      throw new Error(
        `the code breaks clients of the last committed ${SCHEMA_FILE} (${breaking.length} breaking change(s)):\n${listChanges(breaking)}\n\n` +
          `if they are deliberate: \`${WRITE}\`, commit ${SCHEMA_FILE}, and say in the commit message what breaks for clients`,
      );
    }
  });

  it('classifies added fields and types as safe and removed or retyped ones as breaking', async () => {
    const before = 'type Query { a: String, b: Int }';
    const added = await schemaChanges(before, 'type Query { a: String, b: Int, c: Boolean } type Extra { x: Int }');
    expect(added.breaking).toEqual([]);
    expect(added.safe.length).toBeGreaterThan(0);
    const broken = await schemaChanges(before, 'type Query { a: Int }');
    expect(broken.breaking).toHaveLength(2);
  });

  it("takes Nest's plain resolver off every field and keeps the others, so the compiled queries read fields inline (issue 16)", async () => {
    const probe = await runNode(join(__dirname, 'support', 'schema-resolvers-probe.js'), [], baseEnv({}));
    if (probe.code !== 0) throw new Error(`schema resolvers probe failed: ${probe.stderr}`);
    const result = JSON.parse(probe.stdout) as { before: string[]; after: string[]; kept: Record<string, boolean>; sameSchema: boolean; targetAt: string };
    // Nest still makes its plain resolver under the name looked for: a rename would leave every field wrapped
    expect(result.before).toEqual(expect.arrayContaining(['Milestone.targetAt', 'Footprint.endpointsRemaining', 'Organisation.name', 'AtRiskEdge.cursor']));
    expect(result.before.length).toBeGreaterThan(200);
    // none left but the two the probe plants, which do more than read their own property
    expect([...result.after].sort()).toEqual(['Organisation.externalKey', 'Organisation.name']);
    expect(result.targetAt).toBe('undefined');
    expect(result.kept).toEqual({
      'Organisation.footprint': true,
      'Organisation.milestones': true,
      'Organisation.contacts': true,
      'Query.organisation': true,
      'Query.atRisk': true,
      'Organisation.name (renamed)': true,
      'Organisation.externalKey (defaulted)': true,
    });
    expect(result.sameSchema).toBe(true);
  });

  it('describes every type and every field', () => {
    const schema = buildSchema(code);
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
      // the root types have no description of their own in code-first Nest; their fields have one each
      const root = type === schema.getQueryType() || type === schema.getMutationType();
      if (!root && !type.description?.trim()) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
      }
    }
    if (missing.length)
      throw new Error(
        `${missing.length} type(s) and field(s) have no description (give each a description in its @ObjectType/@InputType/@Field/registerEnumType, then \`${WRITE}\`):\n${listChanges(missing, 400)}`,
      );
  });

  describe('served', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ now: '2024-09-22T15:00:00Z' });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('answers the standard introspection query (GraphQL Code Generator, GraphiQL) with exactly schema.graphql', async () => {
      // every option GraphQL Code Generator and GraphiQL may ask for: its TypeRef nests 15 deep, past the depth limit of 12
      const query = getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      });
      const anonymous = ok(await server.gql(query, {}, null));
      expect(sorted(buildClientSchema(anonymous))).toBe(sorted(buildSchema(code)));
    });

    it('still bounds introspection: a selection nested past 20 levels inside __type is refused with QUERY_TOO_COMPLEX', async () => {
      const deep = `{ __type(name: "Organisation") { ${'fields { type { '.repeat(10)} name ${'} } '.repeat(10)} } }`;
      const response = await server.gql(deep, {}, null);
      expect(errorCode(response)).toBe('QUERY_TOO_COMPLEX');
      expect(response.errors![0].message).toMatch(/introspection depth \(\d+\) exceeds the limit of 20/);
      // an operation that reads data beside its introspection is held to the ordinary depth and cost
      const mixed = `{ __typename ${'... on Query { '.repeat(12)} sectors { code } ${'} '.repeat(12)} }`;
      expect(errorCode(await server.gql(mixed))).toBe('QUERY_TOO_COMPLEX');
    });

    it("runs the dashboard's persisted queries by hash, and refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND", async () => {
      const schema = buildSchema(code);
      const documents = parse(readFileSync(join(ROOT, 'apps/api/public/dashboard/queries.graphql'), 'utf8'));
      expect(validate(schema, documents).map((e) => e.message)).toEqual([]);

      const hashes = (await (await fetch(`${server.url}/dashboard/queries.json`)).json()) as Record<string, string>;
      expect(Object.keys(hashes).sort()).toEqual(['DashboardAtRisk', 'DashboardFigures', 'DashboardOrganisation']);
      const org = await newOrganisation(server, { name: 'Persisted Query Water' });
      const send = async (body: Record<string, unknown>) => {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
          body: JSON.stringify(body),
        });
        return { status: response.status, ...((await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> }) };
      };
      const figures = await send({ persisted: true, query: hashes.DashboardFigures });
      expect(figures.errors).toBeUndefined();
      expect(figures.data.programmeSummary.organisations).toBeGreaterThanOrEqual(1);
      const drill = await send({ persisted: true, query: hashes.DashboardOrganisation, variables: { id: org.id } });
      expect(drill.data.organisation.name).toBe('Persisted Query Water');
      const atRisk = await send({ persisted: true, query: hashes.DashboardAtRisk });
      expect(atRisk.data.atRisk.edges.map((e: any) => e.node.organisation.name)).toContain('Persisted Query Water');

      const unknown = await send({ persisted: true, query: 'f'.repeat(64) });
      expect(unknown.status).toBe(400);
      expect(unknown.errors![0].extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      // a whole document is still welcome (GraphiQL, generated clients)
      expect((await send({ query: '{ serverTime { simulated } }' })).data.serverTime.simulated).toBe(true);
    });
  });
});
