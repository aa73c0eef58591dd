import { defineConfig } from 'vitest/config';

// Fault tests (tests/faults/): they break what other tests stand on (a
// PostgreSQL restart cuts every connection), so they run alone, after the
// suites, as their own step of .ci/run: npx vitest run --config vitest.faults.config.ts
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
