/** Unit specs beside the code; integration and e2e tests in test/. One config, two projects. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
// the path aliases of tsconfig.json (@libs/…, @migrations/…), for the sources jest runs
const moduleNameMapper = { '^@libs/(.*)$': '<rootDir>/libs/$1', '^@migrations/(.*)$': '<rootDir>/migrations/$1' };
module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      transform,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
