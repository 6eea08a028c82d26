import { AGENT_KEYS_CHANNEL, type AgentKeyCache } from '@commander/core';
import { listenToChannel } from '@commander/db';
import fp from 'fastify-plugin';

/**
 * Keeps the agent key cache honest across API processes: one LISTEN connection on
 * `commander_agent_keys` (a trigger on `clusters` NOTIFYs the cluster id whenever its keys
 * change, it is archived or deleted) invalidates entries as the change commits. The cache is
 * used only while this connection is listening; when it drops, the cache is emptied and
 * bypassed (every agent request reads PostgreSQL) until it listens again.
 */
export const agentKeysPlugin = fp<{ databaseUrl: string; cache: AgentKeyCache }>(
  async (app, { databaseUrl, cache }) => {
    const listener = await listenToChannel({
      databaseUrl,
      channel: AGENT_KEYS_CHANNEL,
      applicationName: 'commander-api-agent-keys',
      onNotify: (clusterId) => cache.invalidate(clusterId),
      onListening: (listening) => cache.setListening(listening),
      warn: (err, message) =>
        app.log.warn({ err }, `agent key invalidation: ${message} (cache off until it is back)`),
    });
    app.addHook('onClose', async () => listener.close());
  },
  { name: 'agent-keys' },
);
