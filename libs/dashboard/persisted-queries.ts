import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse, print } from 'graphql';

/** The dashboard page's documents, beside the page (found from dist/libs/dashboard, three levels below the project root). */
const FILE = resolve(__dirname, '../../../apps/api/public/dashboard/queries.graphql');

export interface PersistedQueries {
  /** Operation name → the sha256 (hex) of its text: what the page sends. */
  byName: Record<string, string>;
  /** sha256 → the operation's text: what the API runs. */
  byHash: Record<string, string>;
}

let loaded: PersistedQueries | undefined;

/**
 * The dashboard's persisted queries: each named operation of queries.graphql, printed on its own (so
 * comments and layout do not change its hash), keyed by the sha256 of that text. The page sends the
 * hash and its variables, never the document.
 */
export function dashboardQueries(): PersistedQueries {
  if (loaded) return loaded;
  const byName: Record<string, string> = {};
  const byHash: Record<string, string> = {};
  for (const definition of parse(readFileSync(FILE, 'utf8')).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) throw new Error(`${FILE}: every document is one named operation (no fragments)`);
    const text = print(definition);
    const hash = createHash('sha256').update(text).digest('hex');
    byName[definition.name.value] = hash;
    byHash[hash] = text;
  }
  loaded = { byName, byHash };
  return loaded;
}
