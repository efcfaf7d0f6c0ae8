import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CredentialsService } from '../access/credentials.service';
import type { JobProducer } from '../jobs/job-producer';

export const QUEUE_BOARD_PATH = '/admin/queues';

function tokenFrom(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || null;
  }
  return null;
}

/**
 * Bull Board for admins at /admin/queues. A browser signs in with HTTP Basic: any user name, an admin
 * token as the password; scripts may send the token as a bearer.
 */
export async function installQueueBoard(fastify: FastifyInstance, jobs: JobProducer, credentials: CredentialsService): Promise<void> {
  const queues = jobs.allQueues();
  if (queues.length === 0) return;
  const adapter = new FastifyAdapter();
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q as never)), serverAdapter: adapter });
  adapter.setBasePath(QUEUE_BOARD_PATH);
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const token = tokenFrom(request);
      const actor = token ? await credentials.authenticate(token) : null;
      if (actor?.role !== 'admin') {
        return reply.code(401).header('www-authenticate', 'Basic realm="tracker queues (admin token as password)"').send({ error: 'admin token required' });
      }
    });
    await scope.register(adapter.registerPlugin());
  }, { prefix: QUEUE_BOARD_PATH });
}
