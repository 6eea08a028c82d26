import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateDatabase, REPO_ROOT } from '../src/migrate.js';
import { quoteIdent, withDatabase } from '../src/server.js';
import { injectedTestDatabase } from '../src/testing/index.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/**
 * The migrations apply to an empty database through the stock Prisma CLI and the Wasm schema
 * engine (no native binaries), are recorded as Prisma records them, and produce exactly the
 * schema of prisma/schema.prisma (a schema change without a migration fails here).
 */
describe('migrations', () => {
  const info = injectedTestDatabase();
  const name = `commander_mig_${process.pid}_${Date.now()}`;
  const url = withDatabase(info.adminUrl, name);

  async function prisma(...args: string[]): Promise<{ code: number; out: string }> {
    const cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
    try {
      const r = await run(
        process.execPath,
        [cli, ...args, '--config', path.join(REPO_ROOT, 'prisma.config.ts')],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      return { code: 0, out: r.stdout + r.stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: `${e.stdout}${e.stderr}` };
    }
  }

  beforeAll(async () => {
    await migrateDatabase(url);
  }, 120_000);

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.end();
  });

  it('are all applied (prisma migrate status)', async () => {
    const status = await prisma('migrate', 'status');
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(/Database schema is up to date/);
  }, 120_000);

  it('are recorded with the SHA-256 of each migration.sql', async () => {
    const dir = path.join(REPO_ROOT, 'prisma/migrations');
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    await client.end();
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await readFile(path.join(dir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it('produce exactly prisma/schema.prisma (no drift)', async () => {
    const diff = await prisma(
      'migrate',
      'diff',
      '--from-config-datasource',
      '--to-schema',
      path.join(REPO_ROOT, 'prisma/schema.prisma'),
      '--exit-code',
    );
    expect(
      diff.code,
      `schema.prisma and the migrations disagree; create a migration:\n${diff.out}`,
    ).toBe(0);
  }, 120_000);
});
