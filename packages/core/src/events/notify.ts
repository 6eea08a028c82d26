import type { ChangeEvent } from '@commander/contracts';
import type { DbOrTx } from '@commander/db';

/** PostgreSQL channel of live change events (the API's SSE stream listens on it). */
export const EVENTS_CHANNEL = 'commander_events';

/**
 * Announces a change; inside a transaction PostgreSQL delivers it on commit only. Payloads carry
 * ids, never data: listeners refetch what they are allowed to see.
 */
export async function notifyChange(db: DbOrTx, event: ChangeEvent): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}
