import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { Prisma, PrismaClient } from './generated/prisma/client.js';
import { withSerialTransactions } from './serial-transactions.js';

/** The application's database client (Prisma over node-postgres). */
export type Db = PrismaClient;
/** A client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;
/** Either: functions that work in or out of a transaction take this. */
export type DbOrTx = Db | Tx;

export type CreateDbOptions = {
  /** Maximum connections in the pool (default 10). */
  poolSize?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** Told about connections lost while idle (the pool replaces them). */
  onConnectionError?: (error: Error) => void;
};

/** The pg pool under each client made by {@link createDb} (hot paths query it directly). */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * Creates a Prisma client over a pg pool for `url`. The caller owns it: `await db.$disconnect()`.
 */
export function createDb(url: string, options: CreateDbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'commander',
  });
  // An idle connection that PostgreSQL closes (a restart, a failover, an administrator)
  // emits 'error' on the pool; unhandled, that would end the process. The pool drops the
  // connection and opens a new one on the next query.
  pool.on('error', (error) => {
    options.onConnectionError?.(error);
  });
  // A transaction's statements share one pg client: send them one at a time
  // (serial-transactions.ts; Prisma loads sibling relations in parallel).
  const adapter = withSerialTransactions(new PrismaPg(pool));
  const db = new PrismaClient({ adapter });
  pools.set(db, pool);
  return db;
}

/**
 * The pg pool under a client made by `createDb`, or null for anything else (a transaction
 * client, a client made elsewhere): callers then take the Prisma path.
 */
export function poolOf(db: object): pg.Pool | null {
  return pools.get(db as Db) ?? null;
}

/**
 * The pg pool under a client made by {@link createDb}: the hot query modules (`hot/*.ts`) send
 * their named, prepared statements on it, without Prisma's runtime and query compiler.
 * @throws Error for a client not made by `createDb`.
 */
export function sqlPool(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) {
    throw new Error('this Prisma client was not made by createDb: it has no pg pool');
  }
  return pool;
}

/** True when `error` is a unique-constraint violation (optionally on a field of `target`). */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') {
    return false;
  }
  if (field === undefined) {
    return true;
  }
  return JSON.stringify(error.meta ?? {}).includes(field);
}
