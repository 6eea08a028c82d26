import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { runMigrations } from 'graphile-worker';

import { ensureDatabaseExists } from './server.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the repository root (where prisma.config.ts lives). */
export const REPO_ROOT = ROOT;

/**
 * Brings the database at `url` to the current schema: creates it when missing, applies
 * Prisma's migrations (`prisma migrate deploy`, through the Wasm schema engine) and installs
 * graphile-worker's schema. Safe to run concurrently and repeatedly.
 * @throws Error with Prisma's output when a migration fails.
 */
export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabaseExists(url);
  const cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
  try {
    await run(
      process.execPath,
      [cli, 'migrate', 'deploy', '--config', path.join(ROOT, 'prisma.config.ts')],
      {
        cwd: ROOT,
        // The CLI runs with this process's environment plus the database to migrate.
        // eslint-disable-next-line no-restricted-properties
        env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma migrate deploy failed:\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
  await runMigrations({ connectionString: url });
}
