#!/usr/bin/env node
// `npm test` refuses a package-lock.json that `npm ci` would refuse on another machine or that
// `npm install` would rewrite: every platform's optional packages locked, the root in step with
// package.json, and npm itself finding nothing to change. Usage: check-lockfile.js [directory]
const { spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies'];
const sameEntries = (a = {}, b = {}) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Problems visible in the two files (and the installed packages, when there are any) without the registry. */
function structuralProblems(dir, manifest, lock) {
  const problems = [];
  if (lock.lockfileVersion !== 3) problems.push(`lockfileVersion is ${lock.lockfileVersion}; npm 11 writes 3`);
  const packages = lock.packages ?? {};
  const root = packages[''] ?? {};
  for (const field of DEPENDENCY_FIELDS) {
    if (!sameEntries(manifest[field], root[field])) problems.push(`package.json's ${field} differ from the lockfile's root entry`);
  }
  // Node's lookup: a package sees its own node_modules, then each enclosing one up to the root.
  const locate = (from, name) => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[key]) return key;
      if (!dir) return undefined;
    }
  };
  for (const [path, entry] of Object.entries(packages)) {
    if (path && !entry.link && !(entry.version && entry.integrity)) problems.push(`${path} has no version or integrity`);
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies, ...(path ? {} : entry.devDependencies) };
    for (const name of Object.keys(wanted)) {
      if (!locate(path, name)) {
        const kind = entry.optionalDependencies?.[name] ? "optional package (another platform's binary?)" : 'package';
        problems.push(`${path || 'the root'} needs the ${kind} ${name}@${wanted[name]}, which is not in the lockfile`);
      }
    }
    // A lockfile written from a registry mirror's trimmed metadata lists fewer optional packages than
    // the package itself declares; npm trusts the lockfile, so only the installed package.json shows it.
    const installed = path && !entry.link && readInstalled(join(dir, path, 'package.json'));
    if (installed && installed.version === entry.version) {
      for (const field of ['dependencies', 'optionalDependencies']) {
        if (!sameEntries(installed[field], entry[field]))
          problems.push(`${path}'s ${field} in the lockfile differ from those of the installed ${installed.name}@${installed.version}`);
      }
    }
  }
  return problems;
}

function readInstalled(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function npm(args, cwd) {
  const run = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  return { ok: run.status === 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() };
}

function describeChanges(before, after) {
  const lines = [];
  const a = before.packages ?? {};
  const b = after.packages ?? {};
  for (const key of Object.keys(b)) if (!a[key]) lines.push(`  + ${key || '(root)'} ${b[key].version ?? ''}`);
  for (const key of Object.keys(a)) if (!b[key]) lines.push(`  - ${key || '(root)'} ${a[key].version ?? ''}`);
  for (const key of Object.keys(a)) {
    if (!b[key]) continue;
    const fields = [...new Set([...Object.keys(a[key]), ...Object.keys(b[key])])].filter((f) => JSON.stringify(a[key][f]) !== JSON.stringify(b[key][f]));
    if (fields.length) lines.push(`  ~ ${key || '(root)'}: ${fields.join(', ')}`);
  }
  return lines.length ? lines : ['  (formatting only)'];
}

/**
 * What npm makes of the pair on a machine with no node_modules: `npm install --package-lock-only`
 * must leave the lockfile as it is, and `npm ci --dry-run` must accept it. Registry metadata comes
 * from npm's cache when it has it.
 */
function npmProblems(dir, original) {
  const scratch = mkdtempSync(join(tmpdir(), 'lockfile-check-'));
  try {
    cpSync(join(dir, 'package.json'), join(scratch, 'package.json'));
    cpSync(join(dir, 'package-lock.json'), join(scratch, 'package-lock.json'));
    // the committed lockfile carries no `resolved` URLs (so a mirror's address is never written into it)
    const install = npm(['install', '--package-lock-only', '--prefer-offline', '--omit-lockfile-registry-resolved'], scratch);
    if (!install.ok) return [`npm install --package-lock-only failed:\n${install.output}`];
    const rewritten = readFileSync(join(scratch, 'package-lock.json'), 'utf8');
    if (rewritten !== original) {
      return [
        `npm install would rewrite package-lock.json; run "npm install --package-lock-only" and commit the result:\n${describeChanges(JSON.parse(original), JSON.parse(rewritten)).slice(0, 40).join('\n')}`,
      ];
    }
    const ci = npm(['ci', '--dry-run', '--prefer-offline'], scratch);
    if (!ci.ok) return [`npm ci refuses the lockfile:\n${ci.output.split('\n').slice(0, 20).join('\n')}`];
    return [];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main() {
  const dir = resolve(process.argv[2] ?? join(__dirname, '..'));
  const original = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const lock = JSON.parse(original);
  const problems = structuralProblems(dir, manifest, lock);
  if (!problems.length) problems.push(...npmProblems(dir, original));
  if (problems.length) {
    console.error(`package-lock.json is incomplete or out of step with package.json:\n- ${problems.slice(0, 40).join('\n- ')}`);
    process.exit(1);
  }
  console.log(`package-lock.json: complete (${Object.keys(lock.packages).length - 1} packages, every platform's optional ones) and in step with package.json`);
}

main();
