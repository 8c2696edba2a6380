import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The directions of ARCHITECTURE.md: the libraries each library may import. Any other `@app/...` import, a deep one
 * (`@app/x/sub`) or a relative path into another library or app fails `npm run lint`.
 */
const MAY_IMPORT = {
  core: [],
  'mj-protocol': [],
  'mj-simulator': ['mj-protocol'],
  billing: ['core'],
  auth: ['core', 'billing'],
  channels: ['core', 'mj-protocol'],
  proxy: ['core', 'auth'],
  // Callbacks: the outbox's SQL for the task store, the senders, the delivery log (the body comes from the relay, wired by the app).
  hooks: ['core', 'auth', 'proxy'],
  mj: ['core', 'mj-protocol', 'auth', 'billing', 'proxy', 'hooks'],
  relay: ['core', 'mj-protocol', 'auth', 'billing', 'channels', 'mj', 'proxy', 'hooks'],
  polling: ['core', 'mj-protocol', 'channels', 'mj'],
  moderation: ['core', 'mj-protocol', 'relay'],
  api: ['core', 'mj-protocol', 'mj-simulator', 'billing', 'auth', 'channels', 'proxy', 'mj', 'relay', 'polling', 'moderation', 'hooks'],
  // The standalone simulator (`npm run simulator`): a main over its library.
  simulator: ['mj-protocol', 'mj-simulator'],
  // Extension modules (docs/extending.md): the extension points' libraries only; money and the task row stay theirs.
  examples: ['core', 'mj-protocol', 'relay', 'channels'],
};
const APPS = { api: 'apps/api/src', simulator: 'apps/mj-simulator/src', examples: 'examples' };
const LIBRARIES = Object.keys(MAY_IMPORT).filter((name) => !(name in APPS));

const DEEP = { group: ['@app/*/**'], message: 'Import a library by its public index: @app/<name>.' };
const RELATIVE = {
  group: ['**/libs/**', '**/apps/**', '**/mj-simulator/**'],
  message: 'Import another library or app by its package path (@app/<name>), never by a relative path.',
};

const architecture = Object.entries(MAY_IMPORT).map(([name, allowed]) => ({
  files: name in APPS ? [`${APPS[name]}/**/*.ts`] : [`libs/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: LIBRARIES.filter((other) => !allowed.includes(other)).map((other) => ({
          name: `@app/${other}`,
          message:
            other === name
              ? 'Inside a library, import its own files by relative path.'
              : `${name} may not depend on ${other} (see ARCHITECTURE.md and eslint.config.mjs).`,
        })),
        patterns: [DEEP, RELATIVE],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'apps/admin/dist/**',
      'apps/admin/src/api/schema.d.ts',
      'coverage/**',
      'data/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        EventSource: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        FormData: 'readonly',
        Blob: 'readonly',
        File: 'readonly',
        FileReader: 'readonly',
        Image: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
        HTMLImageElement: 'readonly',
        HTMLVideoElement: 'readonly',
        MouseEvent: 'readonly',
        KeyboardEvent: 'readonly',
        Event: 'readonly',
        MessageEvent: 'readonly',
        crypto: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  ...architecture,
);
