import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: socket-heavy end-to-end files contend for the event loop when run wide.
    maxWorkers: 2,
  },
});
