import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listChanges, SCHEMA_FILE, schemaChanges } from '@libs/graphql/schema-contract';
import { schemaFromCode } from '@libs/graphql/schema-sdl';

const ROOT = join(__dirname, '..', '..', '..', '..');
const WRITE = 'npm run schema:write';

/** schema.graphql as the last commit has it; null outside a git checkout or before the file's first commit. */
function lastCommitted(): string | null {
  try {
    return execFileSync('git', ['show', `HEAD:${SCHEMA_FILE}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/**
 * `schema print`: the schema the code declares, on stdout. `schema write`: into schema.graphql, saying
 * what breaks against the last commit. `schema check`: exit 1 when schema.graphql is not what the code
 * declares, or when the code breaks clients of the last committed schema (the test does the same).
 */
export async function runSchema(sub: string | undefined): Promise<void> {
  const code = await schemaFromCode();
  const file = join(ROOT, SCHEMA_FILE);
  if (sub === 'print') {
    process.stdout.write(code);
    return;
  }
  const committed = lastCommitted();
  const breaking = committed ? (await schemaChanges(committed, code)).breaking : [];
  if (sub === 'write') {
    const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
    writeFileSync(file, code);
    process.stdout.write(before === code ? `${SCHEMA_FILE} is up to date\n` : `wrote ${SCHEMA_FILE}\n`);
    if (breaking.length) {
      process.stdout.write(
        `${breaking.length} breaking change(s) against the last committed ${SCHEMA_FILE}; commit it only if they are deliberate, and say so in the commit message:\n${listChanges(breaking)}\n`,
      );
    }
    return;
  }
  if (sub === 'check') {
    const problems: string[] = [];
    const written = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (written === null) problems.push(`${SCHEMA_FILE} is missing: run \`${WRITE}\` and commit it`);
    else if (written !== code) {
      const changes = await schemaChanges(written, code);
      const all = [...changes.breaking, ...changes.dangerous, ...changes.safe];
      problems.push(
        `${SCHEMA_FILE} is not the schema the code declares${all.length ? ` (${all.length} change(s)):\n${listChanges(all)}` : ' (only its text differs)'}\nrun \`${WRITE}\` and commit ${SCHEMA_FILE}`,
      );
    }
    if (breaking.length) {
      problems.push(
        `the code breaks clients of the last committed ${SCHEMA_FILE} (${breaking.length} breaking change(s)):\n${listChanges(breaking)}\nif they are deliberate: \`${WRITE}\`, commit ${SCHEMA_FILE}, and say in the commit message what breaks for clients`,
      );
    }
    if (problems.length) {
      process.stderr.write(`${problems.join('\n\n')}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${SCHEMA_FILE} is the schema the code declares${committed ? ', and breaks nothing committed' : ''}\n`);
    return;
  }
  throw new Error('schema needs print, write or check');
}
