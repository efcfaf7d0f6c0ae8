import { join } from 'node:path';
import { Client } from 'pg';
import { newOrganisation, newToken } from './support/factories';
import { baseEnv, ok, runNode, startServer, TestServer } from './support/server';
import { testServerUrls } from './support/services';

/**
 * One door for credentials (libs/access/authenticator.ts) and one guard (libs/access/access.guard.ts):
 * GraphQL, the REST routes and the queue board (a Fastify plugin outside Nest's router) refuse the same
 * bad credentials in the same words, declare their roles with the same @Allow, and say 503 (never 500)
 * when the credential store is away.
 */
describe('one door for credentials', () => {
  const NOW = '2024-08-01T00:00:00Z';
  const CSV =
    'external_key,name,primary_sector,secondary_sectors,state,size_band,criticality_tier,primary_contact_name,primary_contact_email,primary_contact_time_zone\r\n';
  let server: TestServer;
  let viewer: string;
  let reporter: string;
  let liaison: string;
  const bad: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    server = await startServer({ now: NOW });
    viewer = (await newToken(server, { role: 'viewer' })).token;
    liaison = (await newToken(server, { role: 'liaison', sectors: ['WATER'] })).token;
    const org = await newOrganisation(server, { name: 'Door Test Water' });
    reporter = (await newToken(server, { role: 'reporter', organisationId: org.id })).token;
    const revoked = await newToken(server, { role: 'admin', label: 'revoked admin' });
    ok(await server.gql('mutation($id: ID!) { revokeCredential(id: $id) { id } }', { id: revoked.id }));
    const expired = await newToken(server, { role: 'admin', label: 'expired admin', expiresAt: '2024-08-01T00:05:00Z' });
    // the expired token was valid until 00:05; the clock moves past it
    ok(await server.gql('mutation($at: DateTime!) { setSimulatedTime(at: $at) { now } }', { at: '2024-08-01T00:10:00Z' }));
    const basic = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`;
    Object.assign(bad, {
      'revoked token': { authorization: `Bearer ${revoked.token}` },
      'expired token': { authorization: `Bearer ${expired.token}` },
      'revoked token as the Basic password': { authorization: basic(revoked.token) },
      'malformed header (no scheme)': { authorization: server.adminToken },
      'malformed header (two words)': { authorization: `Bearer ${server.adminToken} extra` },
      'malformed header (unknown scheme)': { authorization: `Token ${server.adminToken}` },
      'malformed header (bearer, no token)': { authorization: 'Bearer' },
      'no header': {},
    });
  });
  afterAll(() => server?.stop());

  type Answer = { status: number; code: string; message: string; challenge: string | null };
  const asJson = async (response: Response): Promise<Answer> => {
    const body = (await response.json().catch(() => ({}))) as any;
    const error = body.errors?.[0];
    return {
      status: response.status,
      code: error?.extensions?.code ?? body.code,
      message: error?.message ?? body.message,
      challenge: response.headers.get('www-authenticate'),
    };
  };
  /** The four doors that need a credential: a GraphQL operation, an import, an export, the queue board. */
  const EDGES: Record<string, (headers: Record<string, string>) => Promise<Response>> = {
    graphql: (headers) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ programmeSummary { organisations } }' }),
      }),
    import: (headers) =>
      fetch(`${server.url}/import/organisations?dryRun=true`, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body: CSV }),
    'export organisations': (headers) => fetch(`${server.url}/export/organisations.csv`, { headers }),
    'export sectors': (headers) => fetch(`${server.url}/export/sectors.csv`, { headers }),
    'queue board': (headers) => fetch(`${server.url}/admin/queues`, { headers }),
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('refuses a revoked token, an expired token and a malformed header the same way on every edge', async () => {
    const seen: Record<string, Record<string, Answer>> = {};
    for (const [credential, headers] of Object.entries(bad)) {
      seen[credential] = {};
      for (const [edge, call] of Object.entries(EDGES)) seen[credential][edge] = await asJson(await call(headers));
    }
    const refusal = seen['revoked token'].graphql;
    expect(refusal.code).toBe('UNAUTHENTICATED');
    for (const [credential, answers] of Object.entries(seen)) {
      for (const [edge, answer] of Object.entries(answers)) {
        // the same code and the same words everywhere; the status is the edge's: GraphQL answers in the
        // body (as for every operation it refuses), REST says 401, the queue board 401 with its challenge
        expect([credential, edge, answer.code, answer.message]).toEqual([credential, edge, refusal.code, refusal.message]);
        expect([credential, edge, answer.status]).toEqual([credential, edge, edge === 'graphql' ? 200 : 401]);
        if (edge === 'queue board') expect(answer.challenge).toMatch(/^Basic realm=/);
      }
    }
    // the good credentials still open each door (the Basic password only on the queue board)
    expect((await EDGES.graphql(bearer(server.adminToken))).status).toBe(200);
    expect((await EDGES.import(bearer(server.adminToken))).status).toBe(200); // a dry run of a header and no rows
    expect((await EDGES['export sectors'](bearer(server.adminToken))).status).toBe(200);
    expect((await EDGES['queue board'](bearer(server.adminToken))).status).toBe(200);
    expect((await EDGES['queue board']({ authorization: `Basic ${Buffer.from(`me:${server.adminToken}`).toString('base64')}` })).status).toBe(200);
    expect((await EDGES['export sectors']({ authorization: `Basic ${Buffer.from(`me:${server.adminToken}`).toString('base64')}` })).status).toBe(401);
  });

  it('lets each REST route through only the roles it declares', async () => {
    const answers: Record<string, Answer> = {};
    for (const [who, token] of Object.entries({ viewer, reporter, liaison, admin: server.adminToken })) {
      for (const edge of ['import', 'export organisations', 'export sectors', 'queue board'])
        answers[`${edge} as ${who}`] = await asJson(await EDGES[edge](bearer(token)));
    }
    const statuses = Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, `${a.status} ${a.code ?? ''}`.trim()]));
    expect(statuses).toEqual({
      'import as viewer': '403 FORBIDDEN',
      'export organisations as viewer': '403 FORBIDDEN',
      'export sectors as viewer': '200',
      'queue board as viewer': '401 FORBIDDEN',
      'import as reporter': '403 FORBIDDEN',
      'export organisations as reporter': '403 FORBIDDEN',
      'export sectors as reporter': '403 FORBIDDEN',
      'queue board as reporter': '401 FORBIDDEN',
      'import as liaison': '200',
      'export organisations as liaison': '200',
      'export sectors as liaison': '200',
      'queue board as liaison': '401 FORBIDDEN',
      'import as admin': '200',
      'export organisations as admin': '200',
      'export sectors as admin': '200',
      'queue board as admin': '200',
    });
    expect(answers['import as viewer'].message).toMatch(/A viewer may not call POST \/import\/:kind/);
    expect(answers['export sectors as reporter'].message).toMatch(/A reporter may not call GET \/export\/sectors.csv/);
  });

  it('keeps the dashboard page, its files and /health public, whatever credential comes with them; /metrics wants a viewer', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    for (const path of ['/dashboard', '/dashboard/app.js', '/dashboard/style.css', '/health/live', '/health/ready']) {
      for (const headers of [{}, bad['revoked token'], bad['malformed header (unknown scheme)']]) {
        expect([path, (await fetch(`${server.url}${path}`, { headers })).status]).toEqual([path, 200]);
      }
    }
    expect((await fetch(`${server.url}/dashboard/nope.js`)).status).toBe(404);
  });

  it('(hostile) refuses a REST route that declares no roles, to an admin too', async () => {
    // No route of the API lacks a rule, so a small Nest application with the real built guard, door and
    // error filter serves one beside a ruled and a public route.
    const run = await runNode(join(__dirname, 'support', 'unruled-route.js'), [], baseEnv({}));
    expect(run.stderr).toBe('');
    const answers = JSON.parse(run.stdout);
    expect(answers['unruled admin']).toEqual({
      status: 403,
      body: { code: 'FORBIDDEN', message: 'GET /probe/unruled declares no roles, so no one may call it (deny by default)' },
    });
    expect(answers['unruled none'].status).toBe(401);
    expect(answers['ruled admin']).toEqual({ status: 200, body: { answer: 'ruled' } });
    expect(answers['ruled none'].status).toBe(401);
    expect(answers['open none']).toEqual({ status: 200, body: { answer: 'public' } });
  });

  it('answers 503 SERVICE_UNAVAILABLE, never 500, on every edge while the credential store is away', async () => {
    const name = new URL(server.databaseUrl).pathname.slice(1);
    const admin = new Client({ connectionString: testServerUrls().postgres });
    await admin.connect();
    const seen: Record<string, string> = {};
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      for (const [edge, call] of Object.entries(EDGES)) {
        const answer = await asJson(await call(bearer(server.adminToken)));
        seen[edge] = `${answer.status} ${answer.code}`;
      }
      // a public route needs no credential and answers as before
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    expect(seen).toEqual({
      graphql: '200 SERVICE_UNAVAILABLE',
      import: '503 SERVICE_UNAVAILABLE',
      'export organisations': '503 SERVICE_UNAVAILABLE',
      'export sectors': '503 SERVICE_UNAVAILABLE',
      'queue board': '503 SERVICE_UNAVAILABLE',
    });
  });
});

/**
 * An API process remembers the credentials it has checked (CREDENTIAL_CACHE_MS) only while it listens to
 * the database's announcements of credential changes (migration 0029): two processes on one database,
 * a revocation through the other one, through SQL, and while the announcements are lost.
 */
describe('credentials remembered per process, revoked everywhere at once', () => {
  const NOW = '2024-08-01T00:00:00Z';
  let a: TestServer;
  let b: TestServer;
  let orgId: string;
  const read = (server: TestServer, token: string) => server.gql(`query($id: ID!) { organisation(id: $id) { id name } }`, { id: orgId }, token);
  const code = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code ?? 'OK';
  /** How long until b refuses the token (the announcement travels through PostgreSQL); fails after 2 s. */
  const refusedWithin = async (token: string): Promise<number> => {
    const started = Date.now();
    for (;;) {
      if (code(await read(b, token)) === 'UNAUTHENTICATED') return Date.now() - started;
      if (Date.now() - started > 2000) throw new Error('a revoked credential was still accepted 2 s later');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  /** Reads until the process answers from memory (its listener may still be connecting): the statements of the last read. */
  const untilRemembered = async (server: TestServer, token: string): Promise<number> => {
    const started = Date.now();
    let statements = Number.NaN;
    while (statements !== 1 && Date.now() - started < 5000) {
      const r = await read(server, token);
      expect(code(r)).toBe('OK');
      statements = r.statements;
      if (statements !== 1) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return statements;
  };

  beforeAll(async () => {
    const env = { CREDENTIAL_CACHE_MS: '60000' };
    a = await startServer({ now: NOW, env });
    b = await startServer({ now: NOW, databaseUrl: a.databaseUrl, env });
    orgId = (await newOrganisation(a, { name: 'Cache Test Water' })).id;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('reads a remembered credential without a statement, and a revocation through another process or SQL takes effect at once', async () => {
    const first = await newToken(a, { role: 'reporter', organisationId: orgId });
    const cold = await read(b, first.token);
    expect(code(cold)).toBe('OK');
    expect(cold.statements).toBe(2); // the credential, then the organisation
    expect(await untilRemembered(b, first.token)).toBe(1); // the credential comes from memory

    ok(await a.gql('mutation($id: ID!) { revokeCredential(id: $id) { id } }', { id: first.id }));
    const throughApi = await refusedWithin(first.token);
    expect(code(await read(a, first.token))).toBe('UNAUTHENTICATED'); // the revoking process forgot it before answering

    const second = await newToken(a, { role: 'reporter', organisationId: orgId });
    expect(await untilRemembered(b, second.token)).toBe(1);
    await b.sql(`UPDATE api_credential SET revoked_at = now() WHERE id = $1`, [second.id]);
    const throughSql = await refusedWithin(second.token);
    process.stdout.write(`credential cache: a revocation reached the other process in ${throughApi} ms through the API and ${throughSql} ms through SQL\n`);
  });

  it('reads every credential from the database while the announcements are lost, so a revocation then is not missed', async () => {
    const third = await newToken(a, { role: 'reporter', organisationId: orgId });
    expect(await untilRemembered(b, third.token)).toBe(1);
    expect(await untilRemembered(a, third.token)).toBe(1);
    // the listening connections go (a restart of PostgreSQL or a network cut would do the same)
    await a.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'credential-changes' AND datname = current_database()`);
    await new Promise((r) => setTimeout(r, 200));
    // a revocation now is announced to nobody: the processes must not answer from memory
    await a.sql(`UPDATE api_credential SET revoked_at = now() WHERE id = $1`, [third.id]);
    expect(code(await read(b, third.token))).toBe('UNAUTHENTICATED');
    expect(code(await read(a, third.token))).toBe('UNAUTHENTICATED');
    // and they listen again (within a second or so), remembering from then on
    const fourth = await newToken(a, { role: 'reporter', organisationId: orgId });
    expect(await untilRemembered(b, fourth.token)).toBe(1);
  });
});
