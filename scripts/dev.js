#!/usr/bin/env node
/*
 * `npm run start:dev`: TypeScript (and tsc-alias, which rewrites the @libs/… aliases) in watch mode, and the main job (API + worker) restarted by Node's own
 * --watch whenever the compiled output changes. Nothing to install beyond the project's dependencies.
 */
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
// the path aliases (@libs/…) rewritten in what tsc writes, as `npm run build` does
const alias = spawn(process.execPath, [require.resolve('tsc-alias/dist/bin/index.js'), '-p', 'tsconfig.build.json', '--watch'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
let app = null;

tsc.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  // the first clean compile starts the app; later ones reach it through --watch-path
  if (!app && /Found 0 errors/.test(String(chunk))) {
    app = 'starting';
    // give tsc-alias its moment to rewrite the fresh output before the first start
    setTimeout(() => {
      app = spawn(process.execPath, ['--watch-path=dist', '--watch-preserve-output', 'dist/apps/api/src/main.js', '--with-worker'], {
        cwd: root,
        stdio: 'inherit',
      });
      app.on('exit', (code) => process.exit(code ?? 0));
    }, 2000);
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    tsc.kill(signal);
    alias.kill(signal);
    if (app && app !== 'starting') app.kill(signal);
  });
}
