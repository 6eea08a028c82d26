import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createDb, type Db, quoteIdent, withDatabase } from '@commander/db';
import { prepareTestServer } from '@commander/db/testing';
import pg from 'pg';

/** A database created for one benchmark from the migrated template; dropped by `drop()`. */
export type BenchDatabase = {
  name: string;
  url: string;
  /** A Prisma client on it (pool of 10). */
  db: Db;
  drop: () => Promise<void>;
};

/** Where benchmarks run: the PostgreSQL server, its migrated template, a temporary folder. */
export type BenchEnvironment = {
  /** URL of the server's `postgres` database (admin connections, sampling). */
  adminUrl: string;
  /** Migrated template database that benchmark databases are cloned from (milliseconds). */
  template: string;
  postgresVersion: string;
  /** The server's `autovacuum` setting (on / off), reported with the machine. */
  autovacuum: string;
  /** Whether the server is an embedded one started for this run. */
  isEmbedded: boolean;
  /** Temporary folder for process logs; removed at the end unless a benchmark failed. */
  workDir: string;
  quick: boolean;
  /** Folder for V8 CPU profiles of the processes under test, or null (`--no-profile`). */
  profileDir: string | null;
  createDatabase: (label: string) => Promise<BenchDatabase>;
  /** Registers cleanup work, run in reverse order by `close()` (also on Ctrl+C). */
  defer: (what: string, work: () => Promise<unknown>) => void;
  close: (options?: { keepWorkDir?: boolean }) => Promise<void>;
};

/**
 * Finds the PostgreSQL server as the tests do (DATABASE_URL's server, else 127.0.0.1:5432,
 * else an embedded one started for this run) and makes sure the migrated template exists.
 */
export async function openEnvironment(options: {
  databaseUrl: string | undefined;
  quick: boolean;
  profile: boolean;
}): Promise<BenchEnvironment> {
  const prepared = await prepareTestServer(options.databaseUrl);
  const { adminUrl, template } = prepared.info;
  const cleanups: { what: string; work: () => Promise<unknown> }[] = [];
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'commander-bench-'));
  const profileDir = options.profile ? path.join(workDir, 'profiles') : null;
  if (profileDir) {
    mkdirSync(profileDir);
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
  // Autovacuum is a server setting the results depend on (dead rows left in hot tables); a CI
  // machine's server may have it off, a production server has it on.
  const autovacuum = await admin.query<{ autovacuum: string }>('SHOW autovacuum');
  await admin.end();
  let isClosed = false;
  const env: BenchEnvironment = {
    adminUrl,
    template,
    postgresVersion: rows[0]?.server_version ?? 'unknown',
    autovacuum: autovacuum.rows[0]?.autovacuum ?? 'unknown',
    isEmbedded: prepared.server !== null,
    workDir,
    quick: options.quick,
    profileDir,
    defer: (what, work) => {
      cleanups.push({ what, work });
    },
    createDatabase: async (label) => {
      const name = `commander_bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      } finally {
        await client.end();
      }
      const url = withDatabase(adminUrl, name);
      const db = createDb(url, { poolSize: 10, applicationName: 'commander-bench' });
      let isDropped = false;
      const drop = async () => {
        if (isDropped) {
          return;
        }
        isDropped = true;
        await db.$disconnect().catch(() => undefined);
        const dropper = new pg.Client({ connectionString: adminUrl });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      };
      // Dropped at the end even when the benchmark throws half-way.
      cleanups.push({ what: `drop database ${name}`, work: drop });
      return { name, url, db, drop };
    },
    close: async ({ keepWorkDir = false } = {}) => {
      if (isClosed) {
        return;
      }
      isClosed = true;
      for (const { what, work } of cleanups.reverse()) {
        try {
          await work();
        } catch (error) {
          process.stderr.write(
            `[bench] cleanup "${what}" failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
      }
      await prepared.server?.stop();
      if (!keepWorkDir) {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
  return env;
}
