import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { PinoNestLogger } from '../../../libs/core/logging/logger';
import { installHttpMetrics } from '../../../libs/metrics/metrics';
import { Authenticator } from '../../../libs/access/authenticator';
import { installQueueBoard } from '../../../libs/http/queue-board';
import { JobProducer } from '../../../libs/jobs/job-producer';
import { MAX_QUERY_BYTES } from '../../../libs/graphql/query-limits';
import { installRequestContext, requestIdFrom } from '../../../libs/http/request-id';
import type { Runtime } from '../../../libs/core/runtime/runtime';
import { ApiModule } from './api.module';

const ONE_MEGABYTE = 1024 * 1024;

export async function createApiApp(runtime: Runtime, options: { withWorker: boolean }): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: runtime.logger,
    // Per-request lines would drown the log at dashboard polling rates; metrics count requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ONE_MEGABYTE,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']),
    // Drain: on SIGTERM stop accepting, finish what is in flight, then close.
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(runtime, options), adapter, {
    logger: new PinoNestLogger(runtime.logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  installRequestContext(fastify);
  // A query text is refused by its size before anything parses it.
  fastify.addHook('preValidation', async (request, reply) => {
    if (request.url.startsWith('/graphql') && request.method === 'POST') {
      const body = request.body as { query?: unknown } | unknown[] | undefined;
      if (Array.isArray(body)) return reply.code(400).send({ errors: [{ message: 'Batched operations are not accepted: send one operation per request', extensions: { code: 'BAD_REQUEST' } }] });
      const query = (body as { query?: unknown } | undefined)?.query;
      if (typeof query === 'string' && Buffer.byteLength(query) > MAX_QUERY_BYTES) {
        return reply.code(413).send({ errors: [{ message: `The query is ${Buffer.byteLength(query)} bytes; at most ${MAX_QUERY_BYTES} are accepted`, extensions: { code: 'QUERY_TOO_LARGE' } }] });
      }
    }
  });
  // CSV imports arrive as a stream and are parsed as they arrive: no body limit, nothing buffered.
  fastify.addContentTypeParser(['text/csv', 'application/csv'], { bodyLimit: 1024 * 1024 * 1024 }, (_request, payload, done) => done(null, payload));
  installHttpMetrics(fastify);
  await installQueueBoard(fastify, app.get(JobProducer), app.get(Authenticator));
  return app;
}
