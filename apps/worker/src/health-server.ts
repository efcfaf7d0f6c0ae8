import { createServer, Server } from 'node:http';
import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthChecks } from '@libs/metrics/health.checks';

/**
 * The worker serves no HTTP but this port: /health/live and /health/ready, answered by the same
 * terminus checks as the API's, in the same shape (200 with the report, or 503 with it).
 */
export function serveHealth(checks: HealthChecks, port: number, host: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const check = req.url === '/health/live' ? () => checks.live() : req.url === '/health/ready' ? () => checks.ready() : null;
    if (!check) return res.writeHead(404).end();
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    try {
      json(200, await check());
    } catch (error) {
      if (error instanceof ServiceUnavailableException) json(503, error.getResponse());
      else json(500, { status: 'error', error: { message: (error as Error).message } });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
