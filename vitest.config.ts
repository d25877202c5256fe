import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: socket-heavy end-to-end files contend for the event loop when run wide.
    maxWorkers: 2,
    // The JSON report is what CI counts (.ci/run prints "N passed, N failed" from it).
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
