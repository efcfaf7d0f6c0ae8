import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './support/fault-helpers';
import { startOwnRedis } from './support/own-services';
import { ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver';
import { API_MAIN, baseEnv, deleteKeys, ok, startServer, startWorker, TestServer } from './support/server';
import { Queue } from 'bullmq';

const ROOT = join(__dirname, '..');
const id = (what: string) => `obs-${what}-${randomBytes(4).toString('hex')}`;
type LogLine = Record<string, any> & { msg: string };

/** The JSON lines a process wrote; anything else on stdout fails the test that reads them. */
function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`not JSON: ${line}`);
      }
    });
}

/** Prometheus text as series → value, e.g. 'graphql_errors_total{code="FORBIDDEN"}' → 2. */
async function metrics(server: TestServer): Promise<Map<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } })).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) series.set(match[1], Number(match[2]));
  }
  return series;
}

const post = (server: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}`, ...headers },
    body: JSON.stringify(body),
  });

describe('observability', () => {
  let server: TestServer;
  beforeAll(async () => {
    // were tracing on without OTEL_EXPORTER_OTLP_ENDPOINT, the console exporter would write spans to stdout
    server = await startServer({ env: { LOG_LEVEL: 'debug', OTEL_TRACES_EXPORTER: 'console', OTEL_BSP_SCHEDULE_DELAY: '100' } });
  });
  afterAll(() => server?.stop());

  describe('logs', () => {
    it('every line written while a request is handled carries its request id, whoever writes it', async () => {
      // Mercurius (through Fastify's request logger) logs each GraphQL error it answers
      const gqlId = id('gql');
      const from = server.output().length;
      const refused = await post(server, { query: '{ sectors { noSuchField } }' }, { 'x-request-id': gqlId });
      expect(refused.headers.get('x-request-id')).toBe(gqlId);
      await refused.json();
      // Nest's Logger (ImportService), from a REST request whose body is streamed to disk first
      const importId = id('import');
      const csv = readFileSync(join(ROOT, 'docs', 'samples', 'organisations.csv'));
      const imported = await fetch(`${server.url}/import/organisations?dryRun=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'text/csv', 'x-request-id': importId },
        body: csv,
      });
      expect((await imported.json()).dryRun).toBe(true);
      await new Promise((r) => setTimeout(r, 200));

      const lines = jsonLines(server.output().slice(from));
      const gqlLine = lines.find((l) => l.msg === 'Graphql validation error');
      expect(gqlLine).toMatchObject({ requestId: gqlId });
      const importLine = lines.find((l) => l.context === 'ImportService' && /^import .* dry run/.test(l.msg));
      expect(importLine).toMatchObject({ requestId: importId, level: 30 });
      // nothing else ran meanwhile (an API without a worker, nothing scheduled): every line is one of the two
      // requests', once (Fastify's request logger and the mixin do not both add it)
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const line of lines) expect([gqlId, importId]).toContain(line.requestId);
      const raw = server.output().slice(from).split('\n').filter(Boolean);
      for (const line of raw) expect(line.match(/"requestId"/g)).toHaveLength(1);
    });

    it('are readable lines on a terminal and JSON otherwise; production logs JSON even on a terminal', async () => {
      // the server above writes to a pipe: every line of its output is JSON
      expect(jsonLines(server.output()).length).toBeGreaterThan(10);

      // `script` gives the API a pseudo-terminal for stdout
      const onTerminal = async (nodeEnv: string) => {
        const env = baseEnv({ ...server.env, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: nodeEnv, QUEUE_PREFIX: `${server.queuePrefix}-tty` });
        const child: ChildProcess = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(API_MAIN)}`, '/dev/null'], {
          env,
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout!.on('data', (c) => (output += c));
        try {
          await waitFor('the API on a terminal', async () => /GraphQL API at/.test(output), 45_000);
          return output.replace(/\r/g, '');
        } finally {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
          await deleteKeys(env.REDIS_URL!, `${server.queuePrefix}-tty`); // its own prefix: the server's cleanup does not reach it
        }
      };
      const pretty = await onTerminal('development');
      // pino-pretty: "[12:34:56.789] INFO (api): message" in colour, fields on lines of their own
      // eslint-disable-next-line no-control-regex -- the pretty log's colours are the point
      expect(pretty).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] \u001b\[32mINFO\u001b\[39m \(api\): \u001b\[36mGraphQL API at http:\/\/localhost:\d+\/graphql/m);
      expect(pretty.split('\n').some((line) => line.startsWith('{'))).toBe(false);
      const production = await onTerminal('production');
      const line = production.split('\n').find((l) => l.includes('GraphQL API at'))!;
      expect(JSON.parse(line)).toMatchObject({ level: 30, name: 'api', msg: expect.stringMatching(/^GraphQL API at/) });
    });
  });

  describe('metrics', () => {
    it('graphql_errors_total counts every GraphQL error by extensions.code, wherever it is refused', async () => {
      const before = await metrics(server);
      const answers: Array<{ errors?: Array<{ extensions?: { code?: string } }> }> = [];
      const send = async (body: unknown, token?: string | null) => {
        const response = await post(server, body, token === null ? { authorization: '' } : {});
        answers.push(await response.json());
      };
      await send({ query: '{ sectors { noSuchField } }' }); // validation
      await send({ query: '{ sectors { code ' }); // parse
      await send({ query: '{ organisations { totalCount } }' }, null); // a resolver's guard
      await send({ query: '{ organisation(id: "00000000-0000-7000-8000-000000000001") { id } }' }); // the service
      await send({ query: `query($n: Int) { organisations(first: 500) { edges { node { id history(first: $n) { before } } } } }`, variables: { n: 500 } }); // cost, before execution
      await send([{ query: '{ sectors { code } }' }, { query: '{ sectors { code } }' }]); // batched, before Mercurius
      await send({ query: `{ sectors { code } } # ${'x'.repeat(70_000)}` }); // too large, before Mercurius
      await send({ query: '{ a: sectors { noSuchField } b: states { noSuchField } }' }); // two errors in one answer

      const expected = new Map<string, number>();
      for (const answer of answers)
        for (const error of answer.errors ?? []) expected.set(error.extensions!.code!, (expected.get(error.extensions!.code!) ?? 0) + 1);
      expect(new Set(expected.keys())).toEqual(
        new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND', 'QUERY_TOO_COMPLEX', 'BAD_REQUEST', 'QUERY_TOO_LARGE']),
      );
      const after = await metrics(server);
      const counted = new Map<string, number>();
      for (const [series, value] of after) {
        const code = /^graphql_errors_total\{code="([A-Z_]+)"\}$/.exec(series)?.[1];
        const delta = value - (before.get(series) ?? 0);
        if (code && delta) counted.set(code, delta);
      }
      expect(counted).toEqual(expected);
    });

    it('times each GraphQL operation by name and type, with anonymous ones and names past the cap bounded', async () => {
      const before = await metrics(server);
      const count = (m: Map<string, number>, operation: string, type: string) =>
        m.get(`graphql_operation_duration_seconds_count{operation="${operation}",type="${type}"}`) ?? 0;
      for (let i = 0; i < 3; i++) ok(await server.gql('query SectorList { sectors { code } }'));
      for (let i = 0; i < 2; i++) ok(await server.gql('{ sectors { code } }'));
      // the operation the request names is the one timed
      await post(server, { query: 'query First { sectors { code } } query Second { states { code } }', operationName: 'Second' });
      const created = await server.gql('mutation MakeOne($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }', {
        input: {
          externalKey: id('org'),
          name: 'Metrics Utility',
          primarySector: 'WATER',
          state: 'TX',
          sizeBand: 'SMALL',
          criticalityTier: 3,
          contacts: [{ role: 'PRIMARY', name: 'P', email: 'p@metrics.example', timeZone: 'UTC' }],
        },
      });
      ok(created);
      await post(server, { query: '{ sectors { noSuchField } }' });
      let after = await metrics(server);
      expect(count(after, 'SectorList', 'query') - count(before, 'SectorList', 'query')).toBe(3);
      expect(count(after, 'anonymous', 'query') - count(before, 'anonymous', 'query')).toBe(2);
      expect(count(after, 'Second', 'query') - count(before, 'Second', 'query')).toBe(1);
      expect(count(after, 'MakeOne', 'mutation') - count(before, 'MakeOne', 'mutation')).toBe(1);
      expect(count(after, 'invalid', 'none') - count(before, 'invalid', 'none')).toBeGreaterThanOrEqual(1);
      // the latency is measured, not only counted
      expect(after.get('graphql_operation_duration_seconds_sum{operation="SectorList",type="query"}')).toBeGreaterThan(0);

      // a client inventing names cannot grow the series past the cap
      for (let i = 0; i < 120; i++) ok(await server.gql(`query Invented${i} { sectors { code } }`));
      after = await metrics(server);
      const names = new Set([...after.keys()].map((s) => /^graphql_operation_duration_seconds_count\{operation="([^"]+)"/.exec(s)?.[1]).filter(Boolean));
      names.delete('anonymous');
      names.delete('other');
      names.delete('invalid');
      expect(names.size).toBe(100);
      expect(count(after, 'other', 'query')).toBeGreaterThanOrEqual(120 - 100);
      // the route's own histogram is still there beside it
      expect([...after.keys()].some((s) => s.startsWith('http_request_duration_seconds_count{method="POST",route="/graphql"'))).toBe(true);
    });
  });

  describe('health', () => {
    it("the worker answers /health/live and /health/ready through terminus, in the API's shape", async () => {
      const worker = startWorker(server);
      try {
        const port = await waitFor('the worker health port', async () => /health on :(\d+)\/health\/ready/.exec(worker.output())?.[1], 45_000);
        for (const path of ['/health/live', '/health/ready']) {
          const fromApi = await fetch(`${server.url}${path}`);
          const fromWorker = await fetch(`http://127.0.0.1:${port}${path}`);
          expect([fromWorker.status, fromWorker.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
          expect(withoutTimes(await fromWorker.json())).toEqual(withoutTimes(await fromApi.json()));
        }
        expect(withoutTimes(await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json())).toEqual({
          status: 'ok',
          info: { postgres: { status: 'up' }, redis: { status: 'up' } },
          error: {},
          details: { postgres: { status: 'up' }, redis: { status: 'up' } },
        });
        expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
      } finally {
        await stopChild(worker);
      }
    });

    it('a worker whose Redis is gone is not ready: 503 with the failed check named, as the API says it', async () => {
      const redis = await startOwnRedis();
      const worker = startWorker(server, { REDIS_URL: redis.url });
      try {
        const port = await waitFor('the worker health port', async () => /health on :(\d+)\/health\/ready/.exec(worker.output())?.[1], 45_000);
        expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
        await redis.stop();
        const down = await waitFor(
          'the worker not ready',
          async () => {
            const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
            return response.status === 503 && response.json();
          },
          20_000,
          250,
        );
        expect(withoutTimes(down)).toEqual({
          status: 'error',
          info: { postgres: { status: 'up' } },
          error: { redis: { status: 'down', message: expect.any(String) } },
          details: { postgres: { status: 'up' }, redis: { status: 'down', message: expect.any(String) } },
        });
        expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      } finally {
        await stopChild(worker);
        await redis.stop().catch(() => undefined);
      }
    });
  });

  describe('traces', () => {
    it('are off by default: without OTEL_EXPORTER_OTLP_ENDPOINT nothing is traced or exported', async () => {
      ok(await server.gql('query Untraced { sectors { code } }'));
      await new Promise((r) => setTimeout(r, 500));
      // every line is a log line (the console exporter would have written span objects), none with a trace
      const lines = jsonLines(server.output());
      expect(lines.some((l) => 'traceId' in l || /traceId/.test(l.msg))).toBe(false);
    });

    it('with OTEL_EXPORTER_OTLP_ENDPOINT: one trace per request across HTTP, GraphQL, pg and Redis, and one per job, sent by OTLP', async () => {
      const receiver = await startOtlpReceiver();
      const traced = await startServer({
        withWorker: true,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'tracker-e2e' },
      });
      try {
        // the caller's trace context (W3C traceparent) is continued
        const traceId = randomBytes(16).toString('hex');
        const response = await post(
          traced,
          { query: 'query TracedPage { organisations(first: 5) { totalCount } }' },
          { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        );
        expect(response.status).toBe(200);
        const boardTrace = randomBytes(16).toString('hex');
        const board = await fetch(`${traced.url}/admin/queues/api/queues`, {
          headers: { authorization: `Bearer ${traced.adminToken}`, traceparent: `00-${boardTrace}-${randomBytes(8).toString('hex')}-01` },
        });
        expect(board.status).toBe(200);
        // a job, added the way the schedules add it, processed by the worker in this process
        const queue = new Queue('maintenance', { connection: { url: traced.env.REDIS_URL }, prefix: traced.queuePrefix });
        await queue.add('refresh-statuses', {});
        await queue.close();

        const inTrace = (id: string) => receiver.spans.filter((s) => s.traceId === id);
        const request = await waitFor(
          "the request's spans",
          async () => {
            const spans = inTrace(traceId);
            return spans.some((s) => s.scope.endsWith('instrumentation-pg')) && spans.some((s) => s.scope.endsWith('instrumentation-http')) && spans;
          },
          20_000,
          200,
        );
        const scopes = new Set(request.map((s) => s.scope));
        expect([...scopes]).toEqual(
          expect.arrayContaining(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-graphql', '@opentelemetry/instrumentation-pg']),
        );
        expect(new Set(request.map((s) => s.service))).toEqual(new Set(['tracker-e2e']));
        // one tree: every span but the server's own hangs from another span of the same request
        const server = request.find((s) => s.scope.endsWith('instrumentation-http') && s.attributes['graphql.operation.name'] === 'TracedPage')!;
        expect(server).toBeDefined();
        expect(server.attributes['graphql.operation.type']).toBe('query');
        const ids = new Set(request.map((s) => s.spanId));
        for (const span of request.filter((s) => s !== server)) expect(ids.has(span.parentSpanId)).toBe(true);
        expect(
          request.find((s) => s.scope.endsWith('instrumentation-pg'))!.attributes['db.system'] ??
            request.find((s) => s.scope.endsWith('instrumentation-pg'))!.attributes['db.system.name'],
        ).toBe('postgresql');

        const redis = await waitFor(
          "the queue board's Redis spans",
          async () => inTrace(boardTrace).filter((s) => s.scope.endsWith('instrumentation-ioredis')).length > 0 && inTrace(boardTrace),
          20_000,
          200,
        );
        expect(redis.some((s) => s.scope.endsWith('instrumentation-http'))).toBe(true);

        const job = await waitFor(
          "the job's spans",
          async () => {
            const processing = receiver.spans.find((s) => s.scope === 'bullmq' && /process/i.test(s.name) && /maintenance/.test(s.name));
            if (!processing) return false;
            const spans = inTrace(processing.traceId);
            return spans.some((s) => s.scope.endsWith('instrumentation-pg')) && { processing, spans };
          },
          30_000,
          200,
        );
        const under = (span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
          for (let s: ReceivedSpan | undefined = span; s; s = job.spans.find((p) => p.spanId === s!.parentSpanId))
            if (s.parentSpanId === ancestor.spanId) return true;
          return false;
        };
        expect(job.spans.filter((s) => s.scope.endsWith('instrumentation-pg')).some((s) => under(s, job.processing))).toBe(true);
        // the app's own producers too: at start the schedules add their first jobs through them
        await waitFor(
          'a job added by the app',
          async () => receiver.spans.some((s) => s.scope === 'bullmq' && /^add (maintenance|reminders)\./.test(s.name)),
          20_000,
          200,
        );
        process.stdout.write(
          `\nTRACES received=${receiver.spans.length} spans in ${receiver.requests.length} OTLP requests | request trace: ${request.length} spans (${[...scopes].map((s) => s.replace('@opentelemetry/instrumentation-', '')).join(', ')}) | job trace: ${job.spans.length} spans\n`,
        );
        // the exporters' default protocol: protobuf
        expect(receiver.requests.every((r) => r.contentType === 'application/x-protobuf')).toBe(true);
      } finally {
        await traced.stop();
        await receiver.close();
      }
    });
  });
});

/** A health report without terminus's responseTime figures, which differ from one answer to the next. */
function withoutTimes(report: unknown): unknown {
  return JSON.parse(JSON.stringify(report), (key, value) => (key === 'responseTime' ? undefined : value));
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}
