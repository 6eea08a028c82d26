import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@commander/web',
    include: ['src/**/*.test.{ts,tsx}'],
    passWithNoTests: true,
  },
});
