import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Every metric is declared in src/metrics/; nothing else makes one. */
const METRICS_ONLY_IN_ONE_PLACE = {
  group: ['prom-client'],
  message: 'Metrics are declared once, in src/metrics/: call ServiceMetrics.',
};

/** One `no-restricted-imports` rule per folder of src/ (tests may reach anywhere). */
function boundaries(rules) {
  return Object.entries(rules).map(([files, { patterns, message, allowTypeImports = false }]) => ({
    files: [`${files}/*.ts`],
    ignores: ['src/__tests__/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(patterns.length > 0 ? [{ group: patterns, message, allowTypeImports }] : []),
            METRICS_ONLY_IN_ONE_PLACE,
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      'data/',
      'node_modules/',
      'artifacts/',
      'src/__tests__/generated-client/*.d.ts*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Import boundaries between the layers of src/ (docs/ARCHITECTURE.md): who may import whom.
  ...boundaries({
    'src/routes/**': {
      patterns: ['**/repositories/*', '**/db/*', '**/services/access.js'],
      message: 'Routes call services: only services touch the database or decide who may do what.',
    },
    'src/realtime/**': {
      patterns: ['**/repositories/*', '**/db/*', '**/routes/*'],
      message: 'The WebSocket door calls services; only services and repositories touch the database.',
    },
    'src/services/**': {
      patterns: ['fastify', '@fastify/*', 'ws', '**/routes/*', '**/realtime/*', '**/plugins/*'],
      message: 'Services know no transport: REST and WebSocket call them, not the other way round.',
    },
    'src/{events,live}/**': {
      patterns: ['ws', '**/realtime/*', '**/routes/*', '**/plugins/*'],
      message: 'The change feed and the resource declarations import no socket or HTTP code.',
    },
    'src/catalog/**': {
      patterns: [
        'fastify',
        '@fastify/*',
        'ws',
        '**/db/*',
        '**/repositories/*',
        '**/services/*',
        '**/routes/*',
        '**/realtime/*',
        '**/plugins/*',
      ],
      message:
        'The catalog is the pets in memory: the services read it, the live feed fills it, it calls neither.',
    },
    'src/client/**': {
      patterns: ['../*'],
      message: 'The typed client is published alone: it imports nothing of the server.',
    },
    'src/cluster/**': {
      patterns: ['**/services/access.js'],
      message: 'Who may do what is decided in services.',
    },
    'src/webhooks/**': {
      patterns: [
        'fastify',
        '@fastify/*',
        'ws',
        '**/routes/*',
        '**/realtime/*',
        '**/plugins/*',
        '**/services/*',
      ],
      message:
        'Webhook delivery works on the change feed and its own table; admins manage webhooks in services.',
    },
    'src/{db,plugins,repositories}/**': { patterns: [] },
    src: { patterns: [] },
    'src/board/**': {
      patterns: ['../*', '!../client'],
      allowTypeImports: true,
      message: 'The board runs in the browser: the typed client, and types only from the server.',
    },
  }),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Command-line scripts and the benchmark harness run on Node and report on standard output.
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: { 'no-console': 'off' },
  },
);
