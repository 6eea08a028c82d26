import { AGENT_KEYS_CHANNEL, type AgentKeyCache } from '@commander/core';
import fp from 'fastify-plugin';
import pg from 'pg';

/**
 * Keeps the agent key cache honest across API processes: one LISTEN connection on
 * `commander_agent_keys` (a trigger on `clusters` NOTIFYs the cluster id whenever its keys
 * change, it is archived or deleted) invalidates entries as the change commits. The cache is
 * used only while this connection is listening; when it drops, the cache is emptied and
 * bypassed (every agent request reads PostgreSQL) until it listens again.
 */
export const agentKeysPlugin = fp<{ databaseUrl: string; cache: AgentKeyCache }>(
  async (app, { databaseUrl, cache }) => {
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;

    const connect = async (attempt: number): Promise<void> => {
      if (stopped || client) {
        return;
      }
      const c = new pg.Client({
        connectionString: databaseUrl,
        application_name: 'commander-api-agent-keys',
      });
      client = c;
      c.on('notification', (msg) => {
        if (msg.payload) {
          cache.invalidate(msg.payload);
        }
      });
      const reconnect = () => {
        cache.setListening(false);
        if (client === c) {
          client = null;
        }
        c.removeAllListeners();
        c.on('error', () => undefined);
        void c.end().catch(() => undefined);
        if (!stopped) {
          retry = setTimeout(
            () => void connect(attempt + 1),
            Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)),
          );
          retry.unref();
        }
      };
      c.on('error', (err) => {
        app.log.warn({ err }, 'agent key invalidation connection lost; cache off until it is back');
        reconnect();
      });
      c.on('end', () => {
        if (client === c && !stopped) {
          reconnect();
        }
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${AGENT_KEYS_CHANNEL}`);
        cache.setListening(true);
      } catch (err) {
        app.log.warn({ err }, 'cannot listen for agent key changes yet; retrying');
        reconnect();
      }
    };

    await connect(0);

    app.addHook('onClose', async () => {
      stopped = true;
      cache.setListening(false);
      if (retry) {
        clearTimeout(retry);
      }
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    });
  },
  { name: 'agent-keys' },
);
