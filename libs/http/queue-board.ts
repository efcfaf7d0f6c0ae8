import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { admit } from '@libs/access/authentication';
import type { Authenticator } from '@libs/access/authenticator';
import { AppError, ErrorCode, httpStatusOf } from '@libs/core/errors/app-error';
import type { JobProducer } from '@libs/jobs/job-producer';

const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board for admins at /admin/queues. Fastify serves it outside Nest's router, so the AccessGuard
 * never sees it: its hook asks the same door (Authenticator.authenticate) and applies the same decision
 * (admit) with the rule "admin". A browser signs in with HTTP Basic: any user name, an admin token as
 * the password; scripts may send the token as a bearer. A refused credential or a non-admin one is a 401
 * with the Basic challenge (a browser only asks again on a 401), `{ code, message }` as on every REST
 * route; the credential store away is a 503.
 */
export async function installQueueBoard(fastify: FastifyInstance, jobs: JobProducer, authenticator: Authenticator): Promise<void> {
  const queues = jobs.allQueues();
  if (queues.length === 0) return;
  const adapter = new FastifyAdapter();
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q as never)), serverAdapter: adapter });
  adapter.setBasePath(QUEUE_BOARD_PATH);
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        const outcome = admit(await authenticator.authenticate(request, { basicPassword: true }), { allow: ['admin'] }, 'the queue board');
        if (!(outcome instanceof AppError)) return;
        const unavailable = outcome.code === ErrorCode.SERVICE_UNAVAILABLE;
        if (!unavailable) reply.header('www-authenticate', 'Basic realm="tracker queues (admin token as password)"');
        return reply.code(unavailable ? httpStatusOf(outcome.code) : 401).send({ code: outcome.code, message: outcome.message });
      });
      await scope.register(adapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
