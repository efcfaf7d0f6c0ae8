import type { FastifyInstance, FastifyRequest } from 'fastify';
import { trace } from '@opentelemetry/api';
import { DocumentNode, getOperationAST } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobProducer } from '@libs/jobs/job-producer';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const requestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

const graphqlErrors = new Counter({
  name: 'graphql_errors_total',
  help: 'GraphQL errors by extensions.code',
  labelNames: ['code'],
  registers: [registry],
});

export function countGraphQLError(code: string) {
  graphqlErrors.inc({ code });
}

const operationDuration = new Histogram({
  name: 'graphql_operation_duration_seconds',
  help: 'GraphQL request latency by operation name and type; "anonymous" for unnamed operations, "other" past the first names, "invalid" for requests refused before execution',
  labelNames: ['operation', 'type'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/**
 * Operation names are the client's to choose: past this many distinct ones, new names are counted as
 * "other", so a client inventing names cannot grow the series without bound.
 */
const MAX_OPERATION_NAMES = 100;
const operationNames = new Set<string>();
const OPERATION = Symbol('graphqlOperation');
type Labelled = FastifyRequest & { [OPERATION]?: { operation: string; type: string } };

function operationLabel(name: string | undefined): string {
  if (!name) return 'anonymous';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES || name.length > 100) return 'other';
  operationNames.add(name);
  return name;
}

/** Called before execution: the operation the request runs, for graphql_operation_duration_seconds. */
export function noteGraphQLOperation(request: FastifyRequest, document: DocumentNode) {
  const params = (request.method === 'GET' ? request.query : request.body) as { operationName?: unknown } | undefined;
  const operationName = typeof params?.operationName === 'string' ? params.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return;
  (request as Labelled)[OPERATION] = { operation: operationLabel(operation.name?.value), type: operation.operation };
  // the request's trace says which operation it ran (a no-op when tracing is off)
  trace.getActiveSpan()?.setAttributes({ 'graphql.operation.name': operation.name?.value ?? 'anonymous', 'graphql.operation.type': operation.operation });
}

/** Queue depths, read from Redis when Prometheus scrapes. */
export function registerQueueDepth(jobs: JobProducer) {
  registry.removeSingleMetric('queue_jobs');
  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of jobs.allQueues()) {
        try {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
          for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
        } catch {
          // Redis away: no figure rather than a failed scrape
        }
      }
    },
  });
}

export function installHttpMetrics(fastify: FastifyInstance, graphqlPath = '/graphql') {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    if (route === graphqlPath) operationDuration.observe((request as Labelled)[OPERATION] ?? { operation: 'invalid', type: 'none' }, seconds);
  });
}
