// Runs inside a fresh network namespace (unshare -n) where nothing listens: starts the built main job
// with no DATABASE_URL and no REDIS_URL, queries it, prints one JSON line, and stops it.
const { spawn } = require('node:child_process');
const { mkdtempSync, chmodSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const dataDir = mkdtempSync(join(tmpdir(), 'tracker-fallback-'));
chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as the postgres user and must reach its data
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
const child = spawn(process.execPath, [join(__dirname, '../../dist/apps/api/src/main.js'), '--with-worker'], { env });
let output = '';
const finish = (result) => {
  child.once('exit', () => {
    process.stdout.write(`${JSON.stringify({ ...result, output: output.split('\n').filter((l) => /embedded|redis-server|GraphQL API|failed/i.test(l)) })}\n`);
    process.exit(0);
  });
  child.kill('SIGTERM');
};
const timer = setTimeout(() => finish({ error: 'timeout' }), 90_000);
child.stdout.on('data', async (chunk) => {
  output += chunk;
  const match = /GraphQL API at (http:\/\/localhost:\d+)\/graphql/.exec(output);
  if (!match || timer._done) return;
  timer._done = true;
  clearTimeout(timer);
  try {
    const response = await fetch(`${match[1]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sectors { code } programmes { updatesCutoff } }' }),
    });
    finish({ body: await response.json() });
  } catch (error) {
    finish({ error: String(error) });
  }
});
child.stderr.on('data', (chunk) => (output += chunk));
