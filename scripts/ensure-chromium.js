#!/usr/bin/env node
// The dashboard test drives Debian's Chromium (npm's own browser downloads cannot reach their hosts here).
// Before the tests: if it is missing and this is a Debian machine where we are root, install it.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (root && existsSync('/usr/bin/apt-get')) {
  console.log(`${path} is missing: installing Debian's chromium (apt-get) for the browser test…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  if (install && install.status === 0 && existsSync(path)) process.exit(0);
}
console.error(`The dashboard test needs Chromium at ${path}: run "apt-get install chromium" (as root) or set CHROMIUM_PATH.`);
process.exit(1);
