import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts'],
    // Fault tests restart shared services: their own run (vitest.faults.config.ts, last step of .ci/run).
    exclude: [...configDefaults.exclude, 'tests/faults/**'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One module graph per worker, not per file: each file imported the whole
    // app anew (155 s of a 587 s run on 2 cores); with it shared, 8 s. Safe
    // because no test mocks modules (vi.mock) and every test builds its own
    // runtime, database and registry (decision 0026).
    isolate: false,
  },
});
