import type { Db, Prisma } from '@commander/db';

import { notifyChange } from '../events/notify.js';

/**
 * Agents silent longer than `silentAfterMs` are lost: their cluster's agent status becomes
 * `lost`, resources `no_data`, and an `AgentLost` alert is raised on the cluster.
 * @returns how many clusters were marked.
 */
export async function markSilentAgents(db: Db, silentAfterMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - silentAfterMs);
  const silent = await db.cluster.findMany({
    where: { archivedAt: null, agentStatus: 'online', agentLastSeenAt: { lt: cutoff } },
    select: { id: true, workspaceId: true, agentData: true, agentLastSeenAt: true },
  });
  for (const cluster of silent) {
    const data = Array.isArray(cluster.agentData)
      ? (cluster.agentData as Record<string, unknown>[])
      : [];
    const alert = {
      alert: 'AgentLost',
      severity: 'critical',
      message: `No report from the agent since ${cluster.agentLastSeenAt?.toISOString() ?? 'ever'}`,
    };
    const overview = data.find((d) => d.source === 'overview') as
      { data?: { warnings?: { firing_alerts?: unknown[] } } } | undefined;
    const withAlert = overview
      ? data.map((d) =>
          d === overview
            ? {
                ...d,
                data: {
                  ...overview.data,
                  warnings: {
                    firing_alerts: [
                      ...(overview.data?.warnings?.firing_alerts ?? []).filter(
                        (a) => (a as { alert?: string }).alert !== 'AgentLost',
                      ),
                      alert,
                    ],
                  },
                },
              }
            : d,
        )
      : [{ source: 'overview', data: { warnings: { firing_alerts: [alert] } } }, ...data];
    const { count } = await db.cluster.updateMany({
      where: { id: cluster.id, agentStatus: 'online', agentLastSeenAt: { lt: cutoff } },
      data: {
        agentStatus: 'lost',
        resourcesSyncState: 'no_data',
        agentData: withAlert as Prisma.InputJsonValue,
      },
    });
    if (count > 0) {
      await notifyChange(db, {
        type: 'cluster',
        id: cluster.id,
        workspace_id: cluster.workspaceId,
        cluster_id: cluster.id,
        action: 'agent_lost',
      });
    }
  }
  return silent.length;
}
