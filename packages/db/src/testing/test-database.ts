import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { inject } from 'vitest';

import { createDb, type Db } from '../client.js';
import { quoteIdent, withDatabase } from '../server.js';
import type { TestDatabaseInfo } from './test-server.js';

export type TestDatabase = {
  /** Connection URL of this test's own database. */
  url: string;
  /** A Prisma client on it. */
  db: Db;
  /** Disconnects and drops the database. */
  drop: () => Promise<void>;
};

/** The test server and template the root global setup prepared (vitest inject). */
export function injectedTestDatabase(): TestDatabaseInfo {
  return inject('testDatabase');
}

/**
 * Creates a fresh database cloned from the migrated template (milliseconds, not a migration
 * run) and a Prisma client on it. Each test file gets its own, so files run in parallel.
 */
export async function createTestDatabase(
  info: TestDatabaseInfo = injectedTestDatabase(),
): Promise<TestDatabase> {
  const name = `commander_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: info.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(info.template)}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(info.adminUrl, name);
  const db = createDb(url, { poolSize: 5, applicationName: 'commander-test' });
  return {
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const dropper = new pg.Client({ connectionString: info.adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
