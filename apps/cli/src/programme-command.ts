import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { Actor } from '@libs/domain/actor';
import { CreateProgrammeInput, UpdateProgrammeInput } from '@libs/programmes/dto/programme.input';
import type { ProgrammesService } from '@libs/programmes/programmes.service';

// announced and published are calendar dates and stay strings
const INSTANTS = ['newBusinessCutoff', 'updatesCutoff'];

function problemsOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${e.property}: ${m}`),
    ...problemsOf(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

/** A JSON file checked as the GraphQL input is: the same class, the same rules, the same messages. */
function read<T extends object>(cls: new () => T, file: string): T {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of INSTANTS) if (typeof raw[k] === 'string') raw[k] = new Date(raw[k] as string);
  const input = plainToInstance(cls, raw);
  const problems = problemsOf(validateSync(input, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return input;
}

/** `npm run cli -- programmes <list|create FILE|update FILE>`: what an admin does with createProgramme and updateProgramme. */
export async function runProgrammes(programmes: ProgrammesService, actor: Actor, sub: string | undefined, file: string | undefined) {
  if (sub === 'list') {
    for (const p of await programmes.list()) {
      process.stdout.write(`${p.id}  ${p.key.padEnd(24)} v${p.version}  cutoff ${new Date(p.updatesCutoff).toISOString()}  ${p.name}\n`);
    }
    return;
  }
  if (sub !== 'create' && sub !== 'update') throw new Error('programmes needs list, create FILE or update FILE');
  if (!file) throw new Error(`programmes ${sub} needs a JSON file (docs/programmes.md)`);
  const p =
    sub === 'create' ? await programmes.create(actor, read(CreateProgrammeInput, file)) : await programmes.update(actor, read(UpdateProgrammeInput, file));
  process.stdout.write(`${sub === 'create' ? 'created' : 'updated'} programme ${p.key} (${p.id}) at version ${p.version}\n`);
}
