import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@chorus/source'] },
  ssr: { resolve: { conditions: ['@chorus/source'], externalConditions: ['@chorus/source'] } },
  test: {
    include: ['{libs,services,tools}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
