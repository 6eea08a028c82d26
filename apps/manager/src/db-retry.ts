import type { Logger } from '@commander/core';

/**
 * PostgreSQL is unreachable, restarting or dropped the connection: the statement may succeed
 * once it is back (Prisma's P1001/P1017, the driver adapter's cause, SQLSTATE class 08 and
 * 57P01–57P03, node-postgres' own messages).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
  } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  const code = typeof e?.code === 'string' ? e.code : '';
  const originalCode = cause?.originalCode ?? '';
  return (
    code === 'P1001' ||
    code === 'P1017' ||
    /^(08|57P0[123])/.test(code) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    cause?.kind === 'DatabaseNotReachable' ||
    /^(08|57P0[123])/.test(originalCode) ||
    (error instanceof Error &&
      /not queryable|Connection terminated|ECONNREFUSED|ECONNRESET|Can't reach database server|the database system is (shutting down|starting up)|terminating connection due to administrator command/.test(
        error.message,
      ))
  );
}

/**
 * Runs `step` again while PostgreSQL is unavailable (a restart, a failover), for at most
 * `maxMs`: what dhctl did must not be lost because the database blinked while it was being
 * recorded. Other errors, and the last one after `maxMs`, are thrown.
 */
export async function whileDatabaseDown<T>(
  step: () => Promise<T>,
  log: Logger,
  what: string,
  maxMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + maxMs;
  let delay = 100;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delay > deadline) {
        throw error;
      }
      log.warn(
        { step: what, err: error instanceof Error ? error.message : String(error) },
        'database unavailable; trying again',
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2_000, delay * 2);
    }
  }
}
