import type { KnipConfig } from 'knip';

/**
 * Dead code kept out: `npm run lint:dead-code` (run by `npm test`) fails on an unused file, export,
 * exported type or dependency. Nest's modules import every provider, controller and resolver they
 * register, so plain import tracking sees them used; nothing Nest-specific is ignored.
 *
 * jest.config.js and .dependency-cruiser.js are entries too: Knip's jest and dependency-cruiser
 * plugins add them (and what they name: the summary reporter, the global setup and teardown), so
 * listing them here again would only earn a "redundant entry" hint.
 */
const config: KnipConfig = {
  entry: ['apps/*/src/main.ts', 'migrations/index.ts', 'test/**/*.e2e-spec.ts', 'test/support/*.{ts,js}', '**/*.spec.ts', 'bench/**/*.js', 'scripts/*.js'],
  project: ['apps/**/*.ts', 'libs/**/*.ts', 'migrations/**/*.ts', 'test/**/*.{ts,js}', 'bench/**/*.{ts,js}', 'scripts/**/*.js'],
  include: ['files', 'exports', 'types', 'dependencies', 'devDependencies'],
  ignoreDependencies: [
    // Served to browsers as files (libs/http/pages/ui-assets.controller.ts finds them by require.resolve of a computed path).
    'htm',
    '@picocss/pico',
  ],
};

export default config;
