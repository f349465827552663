/**
 * The browser tests (npm run test:browser): the console in Debian's Chromium, driven by playwright-core, against
 * the real app listening on a random port (in-memory SQLite, seeded). Kept out of `npm test`: they need a browser.
 * Skipped, with a message, when /usr/bin/chromium (or CHROMIUM_PATH) is missing.
 */
module.exports = {
  displayName: 'browser',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 90000,
  maxWorkers: 1,
};
