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

/**
 * The change events one notification on {@link EVENTS_CHANNEL} carries, as listeners hand them
 * on. A notification is one {@link ChangeEvent}, or a coalesced telemetry notice of a
 * telemetry snapshot statement (`writeAgentSnapshots`: `{type: 'telemetry', workspace_id,
 * cluster_ids}`), which stands for one event per cluster, exactly as the batch sent them one by
 * one before:
 * `{type: 'telemetry', id, workspace_id, cluster_id: id}`. Returns [] for anything else.
 */
export function changeEventsOf(payload: string): ChangeEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return [];
  }
  const notice = parsed as Record<string, unknown>;
  if (typeof notice.type !== 'string') {
    return [];
  }
  const ids = notice.cluster_ids;
  if (ids === undefined) {
    return [parsed as ChangeEvent];
  }
  const workspaceId = notice.workspace_id;
  if (
    notice.type !== 'telemetry' ||
    !Array.isArray(ids) ||
    (typeof workspaceId !== 'string' && workspaceId !== null)
  ) {
    return [];
  }
  const events: ChangeEvent[] = [];
  for (const id of ids) {
    if (typeof id === 'string') {
      events.push({ type: 'telemetry', id, workspace_id: workspaceId, cluster_id: id });
    }
  }
  return events;
}
