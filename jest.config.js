/** Tests are TypeScript run as native ESM (ts-jest, isolated modules: type checking is `npm run typecheck`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
  // Jest's default leaves a core idle; most suites wait on child processes, so every core runs one.
  maxWorkers: '100%',
  // The compiled copy of the sources (test/global-setup.js) holds no tests and is no module to map.
  modulePathIgnorePatterns: ['<rootDir>/.test-dist/'],
  globalSetup: '<rootDir>/test/global-setup.js',
};
