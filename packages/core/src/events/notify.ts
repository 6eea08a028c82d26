import type { DbOrTx } from '@commander/db';

/** PostgreSQL channel of live change events (the API's SSE stream listens on it). */
export const EVENTS_CHANNEL = 'commander_events';

export type ChangeEvent = {
  type:
    | 'cluster'
    | 'operation'
    | 'change_request'
    | 'cluster_template'
    | 'catalog'
    | 'record'
    | 'workspace'
    | 'telemetry';
  id: string;
  workspace_id: string | null;
  /** Cluster the change belongs to, when there is one. */
  cluster_id?: string;
  action?: string;
};

/**
 * Announces a change; inside a transaction PostgreSQL delivers it on commit only. Payloads carry
 * ids, never data: listeners refetch what they are allowed to see.
 */
export async function notifyChange(db: DbOrTx, event: ChangeEvent): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}
