/**
 * Two projects: fast unit tests beside the code, e2e tests that boot the real app on a fresh database.
 * Test files are transpiled with SWC (no type checking here: `npm run typecheck` does that, and CI runs it).
 * NestJS and TypeORM read the design-time types that `decoratorMetadata` emits, as tsc's emitDecoratorMetadata does.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  testEnvironment: 'node',
  rootDir: __dirname,
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/seed/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // The demo password is hashed once per run, not once per suite (scrypt is slow on purpose).
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
    },
  ],
  testTimeout: 60000,
  // One worker per core: Jest's default (cores - 1) runs everything in one process on a two-core machine, where most
  // suites wait on one core while the other idles.
  maxWorkers: '100%',
};
