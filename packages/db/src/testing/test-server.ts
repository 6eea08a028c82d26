import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
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

/** A PostgreSQL server many machines (and CI) have: used by tests when DATABASE_URL is unset. */
export const LOCAL_PG_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

type Prepared = { info: TestDatabaseInfo; server: EmbeddedServer | null };

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Finds or starts the PostgreSQL server for tests and makes sure a migrated template database
 * exists. The server is DATABASE_URL's, else a local one on 127.0.0.1:5432 (trust auth), else an
 * embedded one started for this run in a temporary folder (removed afterwards), so parallel runs
 * never share a data directory. The template's name carries a hash of the migrations, so a
 * changed schema gets a new template and stale ones are dropped.
 */
export async function prepareTestServer(databaseUrl: string | undefined): Promise<Prepared> {
  let server: EmbeddedServer | null = null;
  let adminUrl: string;
  if (databaseUrl) {
    adminUrl = withDatabase(databaseUrl, 'postgres');
  } else if (await canConnect(LOCAL_PG_URL)) {
    adminUrl = LOCAL_PG_URL;
  } else {
    const port = await freePort();
    const dataDir = path.join(REPO_ROOT, `.data/test-pg-${process.pid}-${port}`);
    const started = await startEmbeddedPostgres({ dataDir, port });
    server = {
      url: started.url,
      stop: async () => {
        await started.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    adminUrl = server.url;
  }
  const template = `commander_tpl_${await migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // One builder at a time across concurrent test runs.
    await admin.query('SELECT pg_advisory_lock(727001)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      template,
    ]);
    if (rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)}`);
      await migrateDatabase(withDatabase(adminUrl, building));
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
      await admin.query(`ALTER DATABASE ${quoteIdent(template)} IS_TEMPLATE true`);
      await admin.query(
        `COMMENT ON DATABASE ${quoteIdent(template)} IS ${quoteLiteral(`built ${Date.now()}`)}`,
      );
      // Templates of other migration sets: dropped once they are a while old, not at once,
      // because a test run of another checkout (another branch) may be cloning one right now.
      const stale = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database
          WHERE datname LIKE 'commander\\_tpl\\_%' AND datname <> $1
            AND coalesce(substring(shobj_description(oid, 'pg_database') FROM '^built ([0-9]+)$')::bigint, 0) < $2`,
        [template, Date.now() - STALE_TEMPLATE_AGE_MS],
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

/** How old another migration set's template must be before a run drops it. */
const STALE_TEMPLATE_AGE_MS = 6 * 60 * 60 * 1000;

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function migrationsHash(): Promise<string> {
  const dir = path.join(REPO_ROOT, 'prisma/migrations');
  const hash = createHash('sha256');
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    hash.update(name);
    hash.update(await readFile(path.join(dir, name, 'migration.sql')));
  }
  const graphile = JSON.parse(
    await readFile(
      path.join(REPO_ROOT, 'packages/db/node_modules/graphile-worker/package.json'),
      'utf8',
    ),
  ) as { version: string };
  hash.update(graphile.version);
  return hash.digest('hex').slice(0, 12);
}

declare module 'vitest' {
  /** Provided by the root global setup (test/global-setup.ts) to every test file. */
  export interface ProvidedContext {
    testDatabase: TestDatabaseInfo;
  }
}
