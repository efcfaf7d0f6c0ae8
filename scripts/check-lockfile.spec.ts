import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const SCRIPT = join(__dirname, 'check-lockfile.js');

/** The repository's package.json and lockfile in a directory of their own, changed by `edit`. */
function copy(edit: (manifest: any, lock: any, dir: string) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockfile-spec-'));
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  edit(manifest, lock, dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  return dir;
}

function check(dir: string) {
  const run = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

const OTHER_PLATFORM = 'node_modules/@oxc-parser/binding-darwin-arm64';

describe('check-lockfile (run by npm test)', () => {
  it('accepts the committed pair, copied to a directory without node_modules', () => {
    const result = check(copy((_m, _l, dir) => cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'))));
    expect(result).toEqual({ code: 0, output: expect.stringContaining('complete') });
  });

  it("refuses a lockfile without another platform's optional binary", () => {
    const result = check(copy((_m, lock) => delete lock.packages[OTHER_PLATFORM]));
    expect(result.code).toBe(1);
    expect(result.output).toContain("node_modules/oxc-parser needs the optional package (another platform's binary?) @oxc-parser/binding-darwin-arm64");
  });

  it('refuses one written from trimmed metadata, where the parent no longer lists the missing binary', () => {
    const result = check(
      copy((_m, lock, dir) => {
        delete lock.packages[OTHER_PLATFORM];
        delete lock.packages['node_modules/oxc-parser'].optionalDependencies['@oxc-parser/binding-darwin-arm64'];
        mkdirSync(join(dir, 'node_modules'));
        symlinkSync(join(ROOT, 'node_modules/oxc-parser'), join(dir, 'node_modules/oxc-parser'));
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("node_modules/oxc-parser's optionalDependencies in the lockfile differ from those of the installed oxc-parser@");
  });

  it('refuses a package.json the lockfile does not follow', () => {
    const result = check(copy((manifest) => (manifest.dependencies['left-pad'] = '^1.3.0')));
    expect(result.code).toBe(1);
    expect(result.output).toContain("package.json's dependencies differ from the lockfile's root entry");
  });

  it('refuses, through npm itself, a lockfile whose locked version the range does not admit', () => {
    const result = check(
      copy((manifest, lock) => {
        manifest.dependencies.pino = '^9.0.0';
        lock.packages[''].dependencies.pino = '^9.0.0';
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/npm install would rewrite package-lock.json[^]*~ node_modules\/pino: version/);
  });
});
