import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, LogController } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import { PinoNestLogger } from '@libs/core/logging/logger';
import { countGraphQLError, installHttpMetrics } from '@libs/metrics/metrics';
import { Authenticator } from '@libs/access/authenticator';
import { OidcService } from '@libs/access/oidc.service';
import { installQueueBoard } from '@libs/http/queue-board';
import { JobProducer } from '@libs/jobs/job-producer';
import { MAX_QUERY_BYTES } from '@libs/graphql/query-limits';
import { installRequestContext, requestIdFrom } from '@libs/http/request-id';
import { installOpenApi, openApiDocument } from '@libs/http/openapi';
import type { Runtime } from '@libs/core/runtime/runtime';
import { ApiModule } from './api.module';

const ONE_MEGABYTE = 1024 * 1024;
/**
 * A connection with nothing moving either way for this long is closed: a client that stopped reading an
 * answer. It outlasts any statement (DATABASE_STATEMENT_TIMEOUT_MS) and the longest import, which sends
 * nothing until its report; an export whose reader stops is ended sooner, by EXPORT_STALL_MS.
 */
const IDLE_CONNECTION_MS = 10 * 60_000;

/** A GraphQL error answered before Mercurius sees the request: counted like those it answers. */
function refuse(reply: FastifyReply, status: number, message: string, code: string) {
  countGraphQLError(code);
  return reply.code(status).send({ errors: [{ message, extensions: { code } }] });
}

export async function createApiApp(runtime: Runtime, options: { withWorker: boolean }): Promise<NestFastifyApplication> {
  const requestTimeout = runtime.config.HTTP_REQUEST_TIMEOUT_MS;
  const adapter = new FastifyAdapter({
    loggerInstance: runtime.logger,
    // Per-request lines would drown the log at dashboard polling rates; metrics count requests instead.
    // Fastify's per-request logger names the id as the rest of the log does (see libs/core/logging).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: ONE_MEGABYTE,
    // a link's signed token travels in its path (/link/<token>, about 300 characters; Fastify's default is 100)
    routerOptions: { maxParamLength: 1024 },
    // A request (headers and body) not received within HTTP_REQUEST_TIMEOUT_MS is answered 408 and its
    // connection closed: a client dripping an upload holds a socket and a temporary file, not longer.
    // Node checks pending requests every connectionsCheckingInterval; responses are not limited by it.
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeout / 4))),
    },
    connectionTimeout: IDLE_CONNECTION_MS,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']),
    // Drain: on SIGTERM stop accepting, finish what is in flight, then close.
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(runtime, options), adapter, {
    logger: new PinoNestLogger(runtime.logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // cookies: a link's session (libs/links); registering the plugin also loads its parser for the Authenticator
  await app.register(fastifyCookie as never);
  installRequestContext(fastify);
  // A query text is refused by its size before anything parses it.
  fastify.addHook('preValidation', async (request, reply) => {
    if (request.url.startsWith('/graphql') && request.method === 'POST') {
      const body = request.body as { query?: unknown } | unknown[] | undefined;
      if (Array.isArray(body)) return refuse(reply, 400, 'Batched operations are not accepted: send one operation per request', 'BAD_REQUEST');
      const query = (body as { query?: unknown } | undefined)?.query;
      if (typeof query === 'string' && Buffer.byteLength(query) > MAX_QUERY_BYTES) {
        return refuse(reply, 413, `The query is ${Buffer.byteLength(query)} bytes; at most ${MAX_QUERY_BYTES} are accepted`, 'QUERY_TOO_LARGE');
      }
    }
  });
  // CSV imports arrive as a stream, handed to the import route unread: it writes the file to disk and
  // enforces IMPORT_MAX_BYTES itself (Fastify's bodyLimit applies only to bodies it reads).
  fastify.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => done(null, payload));
  installHttpMetrics(fastify);
  await installQueueBoard(fastify, app.get(JobProducer), app.get(Authenticator));
  // Browsers on the origins CORS_ORIGINS lists may call the API with a bearer token (no cookies: a link
  // session's cookie stays same-origin); none is allowed by default, and the API's own pages need none.
  if (runtime.config.corsOrigins.length > 0) {
    app.enableCors({
      origin: runtime.config.corsOrigins,
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'x-sql-statements'],
      maxAge: 600,
    });
  }
  installOpenApi(fastify, openApiDocument(app));
  // the identity provider (OIDC_ISSUER), if any: its discovery document read, or the start stops here with one line
  await app.get(OidcService).discover();
  return app;
}
