import fc from 'fast-check';
import { report } from './support/fault-helpers';
import { newFootprint, newOrganisation } from './support/factories';
import { errorCode, ok, startServer, TestServer } from './support/server';

/** Typed answers to hostile input, before anything executes; fuzzing every mutation; injection as data. */
describe('hostile input', () => {
  let server: TestServer;
  let prod: TestServer;
  beforeAll(async () => {
    [server, prod] = await Promise.all([
      startServer({ now: '2024-08-01T12:00:00Z' }),
      startServer({ now: '2024-08-01T12:00:00Z', env: { NODE_ENV: 'production' } }),
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    await prod?.stop();
  });

  const post = (s: TestServer, body: string) =>
    fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminToken}` }, body });

  it('refuses costly queries before execution, with a clear error, while normal traffic goes on', async () => {
    // the schema has no recursive types, so depth comes from nested inline fragments: 21 levels
    const deepQuery = `{ ${'... on Query { '.repeat(20)} sectors { code } ${'} '.repeat(20)} }`;
    const aliases = `{ ${[...Array(100)].map((_, i) => `a${i}: organisations(first: 500) { totalCount }`).join(' ')} }`;
    const big = `{ sectors { code } } # ${'x'.repeat(1024 * 1024)}`;
    const hostile = [
      ['depth 21', JSON.stringify({ query: deepQuery })],
      ['100 aliases of a costly field', JSON.stringify({ query: aliases })],
      ['batched operations', JSON.stringify([{ query: '{ sectors { code } }' }, { query: '{ sectors { code } }' }])],
      ['a 1 MB query', JSON.stringify({ query: big })],
    ] as const;
    const timings: number[] = [];
    const normal = async () => {
      const t = Date.now();
      ok(await server.gql('{ sectors { code } programmes { updatesCutoff } }', {}, null));
      timings.push(Date.now() - t);
    };
    for (let i = 0; i < 50; i++) await normal();
    const quietP99 = [...timings].sort((a, b) => a - b)[Math.floor(timings.length * 0.99)];
    timings.length = 0;
    const answers: Record<string, string> = {};
    await Promise.all([
      (async () => {
        for (let round = 0; round < 10; round++) {
          for (const [name, body] of hostile) {
            const response = await post(server, body);
            const json = (await response.json().catch(() => ({}))) as any;
            const code = json.errors?.[0]?.extensions?.code ?? json.code ?? String(response.status);
            answers[name] = `${response.status} ${code}`;
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThan(500);
          }
        }
      })(),
      (async () => {
        for (let i = 0; i < 50; i++) await normal();
      })(),
    ]);
    const loadedP99 = [...timings].sort((a, b) => a - b)[Math.floor(timings.length * 0.99)];
    expect(answers['depth 21']).toMatch(/^400 QUERY_TOO_COMPLEX/);
    expect(answers['100 aliases of a costly field']).toMatch(/^400 QUERY_TOO_COMPLEX/);
    expect(answers['batched operations']).toMatch(/^400/);
    expect(answers['a 1 MB query']).toMatch(/^413/);
    report(
      'hostile queries',
      'each refused before execution with a 4xx and a code; normal queries answered meanwhile (p99 reported, not asserted: shared machine)',
      {
        ...Object.fromEntries(Object.entries(answers).map(([k, v]) => [k.replace(/\s+/g, '_'), v.replace(' ', ':')])),
        normalP99QuietMs: quietP99,
        normalP99UnderAttackMs: loadedP99,
      },
    );
  }, 120_000);

  it('hides introspection and field suggestions in production mode', async () => {
    const introspection = await prod.gql('{ __schema { types { name } } }');
    expect(errorCode(introspection)).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await prod.gql('{ sectorz { code } }', {}, null);
    expect(typo.errors![0].message).not.toMatch(/Did you mean/);
    const typoDev = await server.gql('{ sectorz { code } }', {}, null);
    expect(typoDev.errors![0].message).toMatch(/Did you mean "sectors"/);
    expect((await fetch(`${prod.url}/graphiql`)).status).toBe(404);
  });

  it('answers every fuzzed mutation input with a result or a typed error, never a 500, never a partial write', async () => {
    const org = await newOrganisation(server, { name: 'Fuzz Target' });
    const fp = await newFootprint(server, org.id);
    const milestone = ok(await server.gql('query($id: ID!) { organisation(id: $id) { milestones { id } contacts { id } } }', { id: org.id })).organisation;
    const ids = [org.id, fp.id, milestone.milestones[0].id, milestone.contacts[0].id, '00000000-0000-4000-8000-000000000000'];
    const anyString = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '',
        ' ',
        "'; DROP TABLE organisation; --",
        '%',
        '\\',
        '\u0000',
        'WATER',
        'TX',
        'KAV',
        'IT',
        '2024-13-45',
        'not-an-email',
        'America/Chicago',
        'x'.repeat(400),
      ),
    );
    const anyNumber = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer(), fc.constantFrom(0, 1, 2_147_483_648, -1), fc.double({ noNaN: true }));
    const anyValue = fc.oneof(
      anyString,
      anyNumber,
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...ids),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    // mostly well-typed values, so that most calls pass GraphQL's own checks and reach the services
    const anyId = fc.oneof(fc.constantFrom(...ids), fc.uuid(), anyString);
    const anyInt = fc.oneof(fc.integer({ min: -3, max: 10 }), fc.constantFrom(0, 1, 2, 4, 5, 2_000_000_000), fc.integer());
    const anyInstant = fc.oneof(
      fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      anyString,
    );
    const enumOf = (...values: string[]) => fc.oneof(fc.constantFrom(...values), anyString);
    const typed: Record<string, fc.Arbitrary<unknown>> = {
      id: anyId,
      organisationId: anyId,
      milestoneId: anyId,
      contactId: anyId,
      version: anyInt,
      criticalityTier: anyInt,
      endpointCount: anyInt,
      endpointsRemaining: anyInt,
      businessHoursStart: anyInt,
      businessHoursEnd: anyInt,
      region: anyInt,
      targetAt: anyInstant,
      requestedTargetAt: anyInstant,
      grantedTargetAt: anyInstant,
      expiresAt: anyInstant,
      until: anyInstant,
      sizeBand: enumOf('SMALL', 'LARGE'),
      environment: enumOf('IT', 'OT'),
      updateChannel: enumOf('DIRECT', 'OFFLINE'),
      state: fc.oneof(enumOf('NOT_STARTED', 'DONE', 'BLOCKED'), fc.constantFrom('TX', 'ZZ')),
      emailEnabled: fc.boolean(),
      secondarySectors: fc.array(anyString, { maxLength: 3 }),
      sectors: fc.array(enumOf('WATER', 'ENERGY'), { maxLength: 3 }),
      footprint: fc.array(fc.record({ id: anyId, version: anyInt, endpointsRemaining: anyInt }), { maxLength: 2 }),
      milestones: fc.array(fc.record({ id: anyId, version: anyInt, state: enumOf('DONE', 'BLOCKED') }), { maxLength: 2 }),
      role: enumOf('ADMIN', 'VIEWER', 'REPORTER', 'LIAISON'),
      kind: enumOf('SRMA', 'SECTOR_LIAISON', 'CISA_REGION'),
      // issue 18: the OT track's windows and certification, and sectors moved to another agency
      maintenanceWindowStartsAt: anyInstant,
      maintenanceWindowEndsAt: anyInstant,
      replacementVendorCertified: fc.boolean(),
      maintenanceWindowFootprintId: anyId,
      code: enumOf('WATER', 'ENERGY'),
      from: anyInstant,
    };
    const input = (keys: string[]) =>
      fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof({ weight: 5, arbitrary: typed[k] ?? anyString }, { weight: 1, arbitrary: anyValue })])), {
        requiredKeys: [],
      });
    const mutations: Array<[string, string, string[]]> = [
      ['createOrganisation', 'CreateOrganisationInput', ['externalKey', 'name', 'primarySector', 'secondarySectors', 'state', 'sizeBand', 'criticalityTier']],
      ['updateOrganisation', 'UpdateOrganisationInput', ['id', 'version', 'name', 'primarySector', 'state', 'sizeBand', 'criticalityTier']],
      ['archiveOrganisation', 'VersionedIdInput', ['id', 'version']],
      [
        'addFootprint',
        'AddFootprintInput',
        [
          'organisationId',
          'productCode',
          'productName',
          'vendor',
          'environment',
          'endpointCount',
          'endpointsRemaining',
          'updateChannel',
          'licenceEnd',
          'maintenanceWindowStartsAt',
          'maintenanceWindowEndsAt',
          'maintenanceWindowName',
          'replacementVendorCertified',
          'replacementCertificationRef',
        ],
      ],
      [
        'updateFootprint',
        'UpdateFootprintInput',
        [
          'id',
          'version',
          'endpointCount',
          'endpointsRemaining',
          'productCode',
          'licenceEnd',
          'environment',
          'maintenanceWindowStartsAt',
          'maintenanceWindowEndsAt',
          'maintenanceWindowName',
          'replacementVendorCertified',
          'replacementCertificationRef',
        ],
      ],
      ['removeFootprint', 'VersionedIdInput', ['id', 'version']],
      ['updateMilestone', 'UpdateMilestoneInput', ['id', 'version', 'state', 'blockedReason', 'evidence', 'targetAt', 'maintenanceWindowFootprintId']],
      ['verifyMilestone', 'VersionedIdInput', ['id', 'version']],
      ['requestExtension', 'RequestExtensionInput', ['milestoneId', 'justification', 'requestedTargetAt', 'maintenanceWindowFootprintId']],
      ['grantExtension', 'GrantExtensionInput', ['id', 'version', 'grantedTargetAt', 'expiresAt', 'note']],
      ['denyExtension', 'DenyExtensionInput', ['id', 'version', 'note']],
      ['reportExtensionStatus', 'ExtensionStatusReportInput', ['id', 'version', 'report']],
      ['submitSelfReport', 'SelfReportInput', ['organisationId', 'footprint', 'milestones']],
      ['createCredential', 'CreateCredentialInput', ['role', 'label', 'sectors', 'organisationId', 'expiresAt']],
      ['snoozeReminders', 'SnoozeRemindersInput', ['organisationId', 'until']],
      ['updateNotificationPreference', 'NotificationPreferenceInput', ['contactId', 'emailEnabled', 'webhookUrl', 'businessHoursStart', 'businessHoursEnd']],
      ['changeSectorAgency', 'ChangeSectorAgencyInput', ['code', 'srma', 'from']],
      ['addEscalationContact', 'EscalationContactInput', ['kind', 'sector', 'region', 'name', 'email', 'webhookUrl', 'timeZone']],
    ];
    const allowed = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED']);
    let calls = 0;
    let results = 0;
    const codes = new Map<string, number>();
    for (const [name, type, keys] of mutations) {
      await fc.assert(
        fc.asyncProperty(input(keys), async (value) => {
          const before = (await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n;
          const response = await server.gql(`mutation($input: ${type}!) { ${name}(input: $input) { __typename } }`, { input: value });
          calls += 1;
          expect(response.status).toBeLessThan(500);
          if (response.errors) {
            const code = String(errorCode(response));
            codes.set(code, (codes.get(code) ?? 0) + 1);
            expect([name, code, allowed.has(code)]).toEqual([name, code, true]);
            expect((await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n).toBe(before);
          } else results += 1;
        }),
        { numRuns: 25, seed: 20240929 },
      );
    }
    // mutations that take plain arguments rather than an input object
    const argumentMutations: Array<[string, string, fc.Arbitrary<Record<string, unknown>>]> = [
      ['revokeCredential(id: $id) { id }', '$id: ID!', fc.record({ id: anyId })],
      ['acknowledgeReminders(organisationId: $id) { currentLevel }', '$id: ID!', fc.record({ id: anyId })],
      ['removeEscalationContact(id: $id)', '$id: ID!', fc.record({ id: anyId })],
      ['setSimulatedTime(at: $at) { now }', '$at: DateTime!', fc.record({ at: anyInstant })],
      ['backfillSnapshots(from: $from, to: $to)', '$from: DateTime!, $to: DateTime!', fc.record({ from: anyInstant, to: anyInstant })],
    ];
    for (const [selection, variables, arbitrary] of argumentMutations) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (value) => {
          const before = (await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n;
          const response = await server.gql(`mutation(${variables}) { ${selection} }`, value);
          calls += 1;
          expect(response.status).toBeLessThan(500);
          if (response.errors) {
            const code = String(errorCode(response));
            codes.set(code, (codes.get(code) ?? 0) + 1);
            expect([selection, code, allowed.has(code)]).toEqual([selection, code, true]);
            expect((await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n).toBe(before);
          } else results += 1;
        }),
        { numRuns: 15, seed: 20240929 },
      );
    }
    // the clock was moved at random: put it back for the tests after this one
    ok(await server.gql('mutation { setSimulatedTime(at: "2024-08-01T12:00:00Z") { now } }'));
    report('fuzzed mutations', 'every answer a result or a typed error; no 500; a refused call wrote no audit event', {
      calls,
      results,
      ...Object.fromEntries(codes),
    });
  }, 180_000);

  it('treats injection attempts in every string filter as data', async () => {
    await newOrganisation(server, { name: "O'Brien % Water_Works \\ Co" });
    const attempts = ["' OR 1=1 --", "'; DROP TABLE organisation; --", '%', '_', '\\', "O'Brien % Water_Works \\ Co", '$1', '\u0000x'];
    const before = (await server.sql('SELECT count(*)::int AS n FROM organisation'))[0].n;
    let answered = 0;
    for (const text of attempts) {
      for (const filter of [{ search: text }, { sector: text }, { state: text }]) {
        const r = await server.gql('query($f: OrganisationFilter) { organisations(first: 500, filter: $f) { totalCount } }', { f: filter });
        answered += 1;
        if (r.errors) {
          expect(errorCode(r)).toBe('BAD_USER_INPUT');
          continue;
        }
        if ('search' in filter) {
          const [{ n }] = await server.sql(
            `SELECT count(*)::int AS n FROM organisation WHERE archived_at IS NULL AND (strpos(lower(name), lower($1)) > 0 OR strpos(lower(external_key), lower($1)) > 0)`,
            [text],
          );
          expect([text, r.data.organisations.totalCount]).toEqual([text, n]);
        } else expect(r.data.organisations.totalCount).toBe(0);
      }
    }
    expect((await server.sql('SELECT count(*)::int AS n FROM organisation'))[0].n).toBe(before);
    report('injection in filters', 'search matches literally (%, _ and \\ included); sector and state take codes only; nothing else happens', {
      attempts: answered,
      organisations: before,
    });
  });
});
