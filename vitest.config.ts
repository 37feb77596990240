import { defineConfig } from 'vitest/config';

// One root config: per-package `test.projects` would not inherit `resolve`, and
// every package must resolve siblings to their sources through the
// `@ctxkit/source` export condition so tests never need a prior build.
const conditions = ['@ctxkit/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@ctxkit/source'] } },
  test: {
    // Tests sit beside the code they test: product tests in src/, the tests of a package's own test
    // harness (e.g. the compressor's recall model) beside it in test/.
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.bench.ts'],
    },
  },
});
