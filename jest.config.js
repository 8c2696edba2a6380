// One Jest run for every tier: unit specs next to the code, e2e specs under test/ and the apps.
const swcConfig = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps/api', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  // Browser tests have their own config (jest.browser.config.js): they need a built console and Chromium.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcConfig] },
  moduleNameMapper: { '^@app/([^/]+)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
