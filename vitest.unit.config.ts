import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the tests that open no socket, start no server and touch no database, so
 * they finish in seconds. Everything excluded here still runs in `npm test`.
 */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [
      'tests/e2e/**',
      'tests/console/browser/**',
      'tests/http/**',
      'tests/store/**',
      'tests/stt/**',
      'tests/tts/**',
      'tests/replay/**',
      'tests/fakes/**',
      'tests/results/**',
      'tests/llm/openai-*.test.ts',
      'tests/media/outbound-pacing.test.ts',
      'tests/media/stream-robustness.test.ts',
      'tests/main-startup.test.ts',
      'tests/cluster/cluster-workers.test.ts',
      'tests/cluster/two-instances.test.ts',
    ],
  },
});
