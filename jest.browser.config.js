// Browser tests of the console: playwright-core driving the system Chromium against a real gateway and simulator.
// `npx jest -c jest.browser.config.js` — the global setup is the shared one plus a build of apps/admin
// (SKIP_CONSOLE_BUILD=1 reuses an existing build). Screenshots go to test-results/browser/.
const base = require('./jest.config.js');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['<rootDir>/test/browser/**/*.spec.ts'],
  transform: base.transform,
  moduleNameMapper: base.moduleNameMapper,
  globalSetup: '<rootDir>/test/browser/global-setup.ts',
  globalTeardown: base.globalTeardown,
  testTimeout: 120000,
  // Two workers: never in band (the global setup's MikroORM must not share a process with the specs).
  maxWorkers: 2,
};
