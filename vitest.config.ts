import { defineConfig } from 'vitest/config';

// Two projects: `unit` (tests next to the code, no outside dependencies: `npm run test:unit`) and
// `integration` (test/ folders and tools/, on real MongoDB, Redis and RabbitMQ resolved once per run by
// the global setup). `npm test` runs both.
const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  resolve: { conditions: ['@chorus/source'] },
  ssr: { resolve: { conditions: ['@chorus/source'], externalConditions: ['@chorus/source'] } },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['{libs,services,apps}/*/src/**/*.test.ts'], exclude } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{libs,services}/*/test/**/*.test.ts', 'tools/**/*.test.ts', 'test/**/*.test.ts'],
          exclude,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
