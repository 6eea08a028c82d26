import type { ChangeEvent } from '@commander/contracts';
import { changeEventsOf, EVENTS_CHANNEL } from '@commander/core';
import fp from 'fastify-plugin';
import pg from 'pg';

type Listener = (event: ChangeEvent) => void;

declare module 'fastify' {
  interface FastifyInstance {
    /** Subscribes to live change events (LISTEN on PostgreSQL); returns the unsubscribe. */
    subscribeEvents: (listener: Listener) => () => void;
  }
}

/**
 * One LISTEN connection per API process fans change events out to SSE subscribers (a telemetry
 * batch's one notice per workspace becomes one event per cluster, `changeEventsOf`). It
 * reconnects with backoff when PostgreSQL goes away (e.g. a restart).
 */
export const eventsPlugin = fp<{ databaseUrl: string }>(
  async (app, { databaseUrl }) => {
    const listeners = new Set<Listener>();
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;

    const connect = async (attempt: number): Promise<void> => {
      if (stopped || listeners.size === 0 || client) {
        return;
      }
      const c = new pg.Client({
        connectionString: databaseUrl,
        application_name: 'commander-api-events',
      });
      client = c;
      c.on('notification', (msg) => {
        if (!msg.payload) {
          return;
        }
        // One notification is one event, or a telemetry batch's coalesced notice of many.
        const events = changeEventsOf(msg.payload);
        if (events.length === 0) {
          app.log.warn({ payload: msg.payload.slice(0, 200) }, 'ignoring a malformed change event');
          return;
        }
        for (const event of events) {
          for (const l of listeners) {
            l(event);
          }
        }
      });
      const reconnect = () => {
        if (client === c) {
          client = null;
        }
        c.removeAllListeners();
        void c.end().catch(() => undefined);
        if (!stopped && listeners.size > 0) {
          retry = setTimeout(
            () => void connect(attempt + 1),
            Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)),
          );
        }
      };
      c.on('error', (err) => {
        app.log.warn({ err }, 'change-event connection lost; reconnecting');
        reconnect();
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      } catch (err) {
        app.log.warn({ err }, 'cannot listen for change events yet; retrying');
        reconnect();
      }
    };

    app.decorate('subscribeEvents', (listener: Listener) => {
      listeners.add(listener);
      void connect(0);
      return () => {
        listeners.delete(listener);
      };
    });

    app.addHook('onClose', async () => {
      stopped = true;
      if (retry) {
        clearTimeout(retry);
      }
      await client?.end().catch(() => undefined);
    });
  },
  { name: 'events' },
);
