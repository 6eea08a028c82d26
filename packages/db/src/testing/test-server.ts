import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';

import { migrateDatabase, REPO_ROOT } from '../migrate.js';
import { type EmbeddedServer, quoteIdent, startEmbeddedPostgres, withDatabase } from '../server.js';

/** What the global setup hands to every test file (vitest `provide`/`inject`). */
export type TestDatabaseInfo = {
  /** URL of the server's maintenance database (`postgres`). */
  adminUrl: string;
  /** A migrated database marked as a template; test files clone it. */
  template: string;
};

/** Port of the embedded PostgreSQL used by tests when DATABASE_URL is not set. */
export const TEST_PG_PORT = 54329;

type Prepared = { info: TestDatabaseInfo; server: EmbeddedServer | null };

/**
 * Finds or starts the PostgreSQL server for tests and makes sure a migrated template database
 * exists. The template's name carries a hash of the migrations, so a changed schema gets a new
 * template and stale ones are dropped.
 */
export async function prepareTestServer(databaseUrl: string | undefined): Promise<Prepared> {
  let server: EmbeddedServer | null = null;
  let adminUrl: string;
  if (databaseUrl) {
    adminUrl = withDatabase(databaseUrl, 'postgres');
  } else {
    server = await startEmbeddedPostgres({
      dataDir: path.join(REPO_ROOT, '.data/test-pg'),
      port: TEST_PG_PORT,
    });
    adminUrl = server.url;
  }
  const template = `commander_tpl_${await migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // One builder at a time across concurrent test runs.
    await admin.query('SELECT pg_advisory_lock(727001)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)}`);
      await migrateDatabase(withDatabase(adminUrl, building));
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
      await admin.query(`ALTER DATABASE ${quoteIdent(template)} IS_TEMPLATE true`);
      const stale = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'commander\\_tpl\\_%' AND datname <> $1",
        [template],
      );
      for (const { datname } of stale.rows) {
        await admin.query(`ALTER DATABASE ${quoteIdent(datname)} IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`).catch(() => undefined);
      }
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
    await admin.end();
  }
  return { info: { adminUrl, template }, server };
}

async function migrationsHash(): Promise<string> {
  const dir = path.join(REPO_ROOT, 'prisma/migrations');
  const hash = createHash('sha256');
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const name of names) {
    hash.update(name);
    hash.update(await readFile(path.join(dir, name, 'migration.sql')));
  }
  const graphile = JSON.parse(
    await readFile(path.join(REPO_ROOT, 'packages/db/node_modules/graphile-worker/package.json'), 'utf8'),
  ) as { version: string };
  hash.update(graphile.version);
  return hash.digest('hex').slice(0, 12);
}
