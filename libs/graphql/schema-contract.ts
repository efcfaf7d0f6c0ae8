import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/** The committed schema contract, at the root of the repository (`npm run schema:write` writes it). */
export const SCHEMA_FILE = 'schema.graphql';

export interface SchemaChanges {
  /** Changes that break a client built against the earlier schema (a removed field, a changed type…). */
  breaking: string[];
  /** Changes a client may notice (a new enum value, a new optional argument with a default…). */
  dangerous: string[];
  /** Changes no client notices (a new field, type or description). */
  safe: string[];
}

/**
 * What changed from one schema to another, each change classified by @graphql-inspector/core: adding a
 * field or a type is safe; removing or retyping one, or a new required argument or input field, is
 * breaking. (A production dependency: the CLI that loads this runs in the image, without dev ones.)
 */
export async function schemaChanges(before: string, after: string): Promise<SchemaChanges> {
  const changes = await diff(buildSchema(before), buildSchema(after));
  const of = (level: string) => changes.filter((c) => c.criticality.level === level).map((c) => c.message);
  return { breaking: of(CriticalityLevel.Breaking), dangerous: of(CriticalityLevel.Dangerous), safe: of(CriticalityLevel.NonBreaking) };
}

/** A list of changes for a message, at most `max` of them. */
export function listChanges(changes: readonly string[], max = 30): string {
  const shown = changes.slice(0, max).map((c) => `  - ${c}`);
  if (changes.length > max) shown.push(`  … and ${changes.length - max} more`);
  return shown.join('\n');
}
