import { join } from 'node:path';
import { API_MAIN, baseEnv, runNode, startServer, TestServer } from './support/server';

const HEALTHCHECK = join(__dirname, '..', 'scripts', 'healthcheck.js');

/** Operating it (issue 19 item 6): the REST edge described by OpenAPI, CORS by configuration, no embedded services in production. */
describe('operating it', () => {
  let server: TestServer;
  let withCors: TestServer;
  beforeAll(async () => {
    [server, withCors] = await Promise.all([startServer(), startServer({ env: { CORS_ORIGINS: 'https://dashboard.example.gov,http://localhost:5173' } })]);
  });
  afterAll(async () => {
    await server?.stop();
    await withCors?.stop();
  });

  it('describes the REST edge as OpenAPI 3 at /openapi.json, every documented route served, the pages left out', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, any>>;
      components: { securitySchemes: Record<string, any> };
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const paths = Object.keys(document.paths).sort();
    expect(paths).toEqual(
      expect.arrayContaining(['/export/organisations.csv', '/export/sectors.csv', '/health/live', '/health/ready', '/import/{kind}', '/metrics']),
    );
    expect(paths.some((p) => p.startsWith('/link/'))).toBe(true);
    expect(paths.filter((p) => /^\/(dashboard|report|ui)\b/.test(p))).toEqual([]);
    const importRoute = document.paths['/import/{kind}'].post;
    expect(importRoute.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['applyGoodRows', 'dryRun', 'kind', 'programme']);
    expect(Object.keys(importRoute.requestBody.content)).toEqual(['text/csv']);
    expect(Object.keys(importRoute.responses).sort()).toEqual(['200', '400', '401', '403', '404', '408', '409', '413', '422', '503']);
    expect(document.paths['/export/organisations.csv'].get.security).toEqual([{ bearer: [] }]);

    // every documented GET is served (200 with an admin token; /link/session wants a link's session, not a token: 401), and the import answers its own 400 for an empty body
    const auth = { authorization: `Bearer ${server.adminToken}` };
    for (const path of paths.filter((p) => document.paths[p].get && !p.includes('{'))) {
      const answer = await fetch(`${server.url}${path}`, { headers: auth });
      expect([path, answer.status]).toEqual([path, path === '/link/session' ? 401 : 200]);
      await answer.arrayBuffer();
    }
    const empty = await fetch(`${server.url}/import/organisations`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' } });
    expect(empty.status).toBe(400);
    expect((await empty.json()).code).toBe('BAD_USER_INPUT');
  });

  it('lets the origins CORS_ORIGINS lists call the API from a browser, and no other', async () => {
    const preflight = (s: TestServer, origin: string) =>
      fetch(`${s.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight(withCors, 'https://dashboard.example.gov');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.gov');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await fetch(`${withCors.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json', authorization: `Bearer ${withCors.adminToken}` },
      body: JSON.stringify({ query: '{ serverTime { simulated } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await post.json()).data.serverTime.simulated).toBe(false);

    expect((await preflight(withCors, 'https://elsewhere.example')).headers.get('access-control-allow-origin')).toBeNull();
    // without CORS_ORIGINS no origin is allowed
    expect((await preflight(server, 'https://dashboard.example.gov')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it("the image's HEALTHCHECK script: healthy when the API (or, on the next port, a worker) is ready, unhealthy when nothing answers", async () => {
    const port = new URL(server.url).port;
    const api = await runNode(HEALTHCHECK, [], baseEnv({ PORT: port, WORKER_HEALTH_PORT: '1' }));
    expect([api.code, api.stdout.trim()]).toEqual([0, `port ${port}: 200`]);
    // a worker's container: nothing on PORT, its health port next
    const worker = await runNode(HEALTHCHECK, [], baseEnv({ PORT: '1', WORKER_HEALTH_PORT: port }));
    expect(worker.code).toBe(0);
    const nothing = await runNode(HEALTHCHECK, [], baseEnv({ PORT: '1', WORKER_HEALTH_PORT: '2' }));
    expect([nothing.code, nothing.stdout.trim()]).toEqual([1, 'nothing answers on 1 or 2']);
  });

  it('refuses to start embedded PostgreSQL or Redis with NODE_ENV=production, saying why', async () => {
    const started = await runNode(API_MAIN, [], baseEnv({ NODE_ENV: 'production', EMBEDDED_SERVICES: 'true', PORT: '0' }), 30_000);
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(/EMBEDDED_SERVICES must be false with NODE_ENV=production \(got "true"\): embedded PostgreSQL and Redis are for a laptop/);
  });
});
