import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Integration tests start real servers and processes; two cores cannot run many at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every server a test starts (in process or as a child inheriting this env) checks its responses against the route table.
    env: { GANTRY_CHECK_RESPONSES: '1' },
    // Kills what tests leave running under this run's temp dirs (detached agents), even after a timeout.
    globalSetup: ['test/support/globalSetup.ts'],
  },
});
