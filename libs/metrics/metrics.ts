import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobProducer } from '../jobs/job-producer';

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

export function installHttpMetrics(fastify: FastifyInstance) {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
