#!/usr/bin/env node
/*
 * `npm run migration:create -- AddSomething`: a new migration with the next number, its class named
 * after it, listed last in migrations/index.ts. A migration is never edited after it lands.
 */
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:create -- NameInPascalCase');
  process.exit(2);
}
const dir = join(__dirname, '..', 'migrations');
const numbers = readdirSync(dir)
  .map((f) => /^(\d+)-/.exec(f)?.[1])
  .filter(Boolean)
  .map(BigInt);
const next = String(numbers.reduce((a, b) => (a > b ? a : b), 0n) + 1n);
const className = `${name}${next}`;
const file = `${next}-${name}`;
writeFileSync(
  join(dir, `${file}.ts`),
  `import { MigrationInterface, QueryRunner } from 'typeorm';

/** What this migration changes, and why. */
export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(q: QueryRunner): Promise<void> {
    await q.query(\`\`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(\`\`);
  }
}
`,
);
const indexPath = join(dir, 'index.ts');
const index = readFileSync(indexPath, 'utf8')
  .replace(/((?:^import .*\n)+)/m, (imports) => `${imports}import { ${className} } from './${file}';\n`)
  .replace(/(export const MIGRATIONS = \[[^\]]*)\]/, `$1, ${className}]`);
writeFileSync(indexPath, index);
console.log(`migrations/${file}.ts (listed in migrations/index.ts); the migrations test lists every migration by name: add it there too`);
