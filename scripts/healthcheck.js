#!/usr/bin/env node
// The image's HEALTHCHECK (and docker-compose's): exit 0 when this container's process is ready, 1 if not.
// One image runs either the API (GET /health/ready on PORT, 3000) or a worker (the same on
// WORKER_HEALTH_PORT, 3001): the first port that answers decides, and a 503 (PostgreSQL or Redis away) is unhealthy.
'use strict';
/* global AbortSignal */

const ports = [process.env.PORT || '3000', process.env.WORKER_HEALTH_PORT || '3001'];

async function main() {
  for (const port of ports) {
    let response;
    try {
      response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) });
    } catch {
      continue; // nothing listens there: the other kind of process
    }
    process.stdout.write(`port ${port}: ${response.status}\n`);
    return response.ok ? 0 : 1;
  }
  process.stdout.write(`nothing answers on ${ports.join(' or ')}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
