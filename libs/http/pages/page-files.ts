import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The pages' files, shared by every page controller: where they live, how they are read (once, then from
 * memory) and the one Content-Security-Policy they are served under. Pages are plain files: HTML, and
 * ES modules written with htm over Preact (no build step); the UI library and its stylesheet come from
 * node_modules as published.
 */

// Works from the sources and from dist/ alike: both sit four levels below the project root.
export const PUBLIC_DIR = resolve(__dirname, '../../../../apps/api/public');

/**
 * The dashboard's policy, for every page: scripts and styles from this origin only (inline styles are
 * allowed for the charts' and Preact's style attributes), no frames, forms post only here.
 */
export const PAGE_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

export const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

const cache = new Map<string, string>();

/** A page file's text, read once. */
export function pageFile(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/**
 * A file of an installed package, by its path in the package: the package's folder is found from its
 * main entry (some export neither their browser builds nor package.json as subpaths).
 */
export function packageFile(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, file);
}
