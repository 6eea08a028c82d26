import path from 'node:path';

import { defineConfig } from 'vitest/config';

// One Vitest run for the whole workspace (`pnpm test:unit`). Each package is a project named
// after its package.json; `pnpm --filter <pkg> test` runs just that project.
// Unit tests are `*.test.ts`; integration tests (`*.int.test.ts`) use a real PostgreSQL that
// test/global-setup.ts provides: DATABASE_URL's server, or an embedded one under .data/test-pg.
const dirs = [
  'packages/contracts',
  'packages/core',
  'packages/crypto',
  'packages/db',
  'packages/dhctl',
  'packages/gotemplate',
  'packages/renderer',
  'packages/agent-client',
  'packages/process',
  'packages/tunnel',
  'packages/kube-sim',
  'packages/client',
  'apps/cli',
  'apps/api',
  'apps/connector',
  'apps/agent',
  'apps/manager',
  'apps/dhctl-sim',
];

export default defineConfig({
  test: {
    globalSetup: [path.join(import.meta.dirname, 'test/global-setup.ts')],
    // A pg "client already executing a query" deprecation fails the test (test/pg-warnings.ts).
    setupFiles: [path.join(import.meta.dirname, 'test/pg-warnings.ts')],
    projects: [
      ...dirs.map((dir) => ({
        extends: true as const,
        test: {
          name: `@commander/${dir.split('/')[1]}`,
          root: dir,
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
        },
      })),
      // Deployment artefacts: the Helm chart (rendered by the repository's Helm harness), compose.
      {
        extends: true as const,
        test: { name: '@commander/deploy', root: 'deploy', include: ['test/**/*.test.ts'] },
      },
      // The benchmarks' own tests (argument parsing, statistics, reports, the CPU meter, and the
      // fleet soak harness end to end on 12 clusters); the benchmarks run with `pnpm bench`.
      {
        extends: true as const,
        test: { name: '@commander/bench', root: 'bench', include: ['test/**/*.test.ts'] },
      },
      // The web app has its own config (jsdom, React); it needs no database.
      'apps/web/vitest.config.ts',
    ],
    passWithNoTests: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
