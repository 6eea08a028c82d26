import { defineConfig } from 'vitest/config';

// The benchmarks' own unit tests (`pnpm --filter @commander/bench test`). The benchmarks
// themselves run with `pnpm bench`, never as tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
