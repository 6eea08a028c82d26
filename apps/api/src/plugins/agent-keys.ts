import { AGENT_KEYS_CHANNEL } from '@commander/core';
import { listenToChannel } from '@commander/db';
import fp from 'fastify-plugin';

/**
 * Keeps the agent key cache honest across API processes: one LISTEN connection on
 * `commander_agent_keys` (a trigger on `clusters` NOTIFYs the cluster id whenever its keys
 * change, it is archived or deleted) invalidates entries as the change commits. The cache is
 * used only while this connection is listening; when it drops, the cache is emptied and
 * bypassed (every agent request reads PostgreSQL) until it listens again. The same
 * notifications keep the proxy's cluster → workspace cache honest (archival, a move, deletion).
 */
type InvalidatedCache = {
  invalidate: (clusterId: string) => void;
  setListening: (listening: boolean) => void;
};

export const agentKeysPlugin = fp<{
  databaseUrl: string;
  caches: InvalidatedCache[];
  /** Another channel of cluster ids (default: the agent keys'). */
  channel?: string;
  applicationName?: string;
}>(async (app, { databaseUrl, caches, channel, applicationName }) => {
  const listener = await listenToChannel({
    databaseUrl,
    channel: channel ?? AGENT_KEYS_CHANNEL,
    applicationName: applicationName ?? 'commander-api-agent-keys',
    onNotify: (clusterId) => caches.forEach((c) => c.invalidate(clusterId)),
    onListening: (listening) => caches.forEach((c) => c.setListening(listening)),
    warn: (err, message) =>
      app.log.warn(
        { err },
        `${channel ?? AGENT_KEYS_CHANNEL} invalidation: ${message} (cache off until it is back)`,
      ),
  });
  app.addHook('onClose', async () => listener.close());
});
