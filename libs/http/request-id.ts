import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { requestContext } from '@libs/core/context/request-context';

/**
 * A request id (taken from X-Request-Id when sane) and a statement counter for every request, carried
 * by AsyncLocalStorage so the SQL logger and the audit trail see them without parameters.
 */
export function installRequestContext(fastify: FastifyInstance) {
  fastify.addHook('onRequest', (request, reply, done) => {
    const store = { requestId: String(request.id), statements: 0 };
    reply.header('x-request-id', store.requestId);
    requestContext.run(store, () => done());
  });
  fastify.addHook('onSend', async (_request, reply, payload) => {
    const store = requestContext.getStore();
    if (store) reply.header('x-sql-statements', String(store.statements));
    return payload;
  });
}

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._-]{1,100}$/.test(value) ? value : randomUUID();
}
