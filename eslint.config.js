// Type-aware lint for the whole workspace (STYLE.md §7). Per-package `pnpm lint` runs the same config.
import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import prettierConfig from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

/** Server-side packages the web app never imports. */
const WEB_SERVER_PACKAGES = {
  group: ['@commander/core*', '@commander/db*', '@commander/crypto*', '@commander/dhctl*'],
  message: 'The web app talks to the API; server packages stay on the server.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/generated/**',
      '**/.data/**',
      'e2e/playwright-report/**',
      'e2e/test-results/**',
      'packages/db/engine/**',
      // Plain browser scripts copied as they are (apps/web/public/boot.js).
      'apps/web/public/**',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      curly: 'error',
      // Fastify plugins and hooks are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in config.ts (loadConfig()).',
        },
      ],
    },
  },
  {
    files: [
      '**/config.ts',
      '**/*.config.ts',
      'eslint.config.js',
      'scripts/**',
      'e2e/**',
      'bench/**',
      '**/test/**',
      '**/*.test.ts',
      '**/*.test.tsx',
    ],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    // Tests read untyped JSON responses; the assertions check their shape.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Playwright fixtures take `{}` when they use no other fixture.
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { '@tanstack/query': pluginQuery, 'react-hooks': reactHooks },
    rules: {
      ...pluginQuery.configs['flat/recommended'][0].rules,
      '@tanstack/query/prefer-query-options': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', { patterns: [WEB_SERVER_PACKAGES] }],
    },
  },
  // Web composition (ARCHITECTURE.md, "The web app"): a feature never imports another feature's
  // pages (the router and `features/clusters/pages` compose them), and nothing below the cluster
  // page imports `features/clusters` (what the cluster features share lives in `cluster-shared`).
  {
    files: ['apps/web/src/features/**/*.{ts,tsx}'],
    ignores: ['apps/web/src/features/clusters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            WEB_SERVER_PACKAGES,
            {
              group: ['../*/pages/**', '../../*/pages/**', '../../../features/*/pages/**'],
              message:
                "A feature does not import another feature's pages: export a component and compose it in the page (features/clusters/pages for a cluster's tabs).",
            },
            {
              group: ['../clusters/**', '../../clusters/**'],
              message:
                'features/clusters composes the cluster page; what cluster features share lives in features/cluster-shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/src/features/clusters/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            WEB_SERVER_PACKAGES,
            {
              group: ['../../*/pages/**', '../*/pages/**'],
              message: "The cluster page composes other features' components, never their pages.",
            },
          ],
        },
      ],
    },
  },
  // Package boundaries (ARCHITECTURE.md §2): what each workspace's own code may import. Tests may
  // reach further (a simulator, core's test helpers).
  ...boundaries([
    // The agent runs inside a customer's cluster: only its client and the contracts.
    ['apps/agent', ['core', 'db', 'crypto', 'renderer', 'dhctl', 'dhctl-sim', 'gotemplate']],
    // The simulator stands in for an external system: it shares protocols, not the domain.
    ['apps/dhctl-sim', ['core', 'db', 'crypto', 'renderer']],
    ['apps/api', ['dhctl-sim', 'agent-client']],
    ['apps/manager', ['dhctl-sim', 'agent-client']],
    ['packages/core', ['dhctl-sim', 'agent-client', 'process', 'kube-sim', 'tunnel']],
    ['packages/db', ['core', 'crypto', 'renderer', 'dhctl', 'contracts', 'agent-client']],
    ['packages/renderer', ['core', 'db', 'crypto', 'dhctl']],
    ['packages/gotemplate', ['core', 'db', 'crypto', 'renderer', 'contracts', 'dhctl']],
    ['packages/contracts', ['core', 'db', 'crypto', 'renderer', 'gotemplate', 'dhctl']],
    ['packages/crypto', ['core', 'db', 'renderer', 'contracts', 'dhctl']],
    ['packages/agent-client', ['core', 'db', 'crypto', 'renderer', 'dhctl']],
    ['packages/dhctl', ['core', 'db', 'crypto', 'renderer']],
    ['packages/process', ['core', 'db', 'crypto', 'renderer', 'contracts', 'dhctl']],
    // The tunnel is transport only: the domain decides who may use it.
    ['packages/tunnel', ['core', 'db', 'crypto', 'renderer', 'contracts', 'dhctl', 'gotemplate']],
    // The CLI talks to the API through the typed client only.
    [
      'apps/cli',
      ['core', 'db', 'crypto', 'renderer', 'dhctl', 'tunnel', 'process', 'agent-client'],
    ],
    ['apps/connector', ['agent-client', 'kube-sim', 'dhctl']],
    ['packages/kube-sim', ['core', 'db', 'crypto', 'renderer', 'contracts', 'dhctl', 'tunnel']],
    ['packages/client', ['core', 'db', 'crypto', 'renderer', 'dhctl', 'tunnel', 'agent-client']],
  ]),
  prettierConfig,
);

/**
 * One `no-restricted-imports` rule per workspace: its `src` may not import the listed
 * `@commander/*` packages nor any app, another package's files past its declared exports
 * (`@commander/x/src/...`), or another workspace's files by a relative path. (The web app's own
 * rule is above.)
 */
function boundaries(entries) {
  // The deployable apps: no workspace's code imports an app (other than itself).
  const APPS = ['agent', 'api', 'cli', 'connector', 'dhctl-sim', 'manager', 'web'];
  return entries.flatMap(([dir, listed]) => {
    const self = dir.split('/')[1];
    const forbidden = [...new Set([...listed, ...APPS.filter((app) => app !== self)])];
    return [
      {
        files: [`${dir}/src/**/*.{ts,tsx}`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                ...forbidden.map((name) => ({
                  group: [`@commander/${name}`, `@commander/${name}/*`],
                  message: `${dir} may not depend on @commander/${name} (ARCHITECTURE.md §2).`,
                })),
                {
                  group: ['@commander/*/src/**'],
                  message: 'Import another workspace through its declared exports.',
                },
                {
                  group: ['**/apps/*/src/**', '**/packages/*/src/**'],
                  message: 'Import another workspace as @commander/<name>, not by a relative path.',
                },
              ],
            },
          ],
        },
      },
    ];
  });
}
