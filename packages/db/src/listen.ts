import pg from 'pg';

export type ChannelListenerOptions = {
  databaseUrl: string;
  channel: string;
  applicationName: string;
  /** Each notification's payload. */
  onNotify: (payload: string) => void;
  /**
   * True once LISTEN is in place; false whenever the connection drops (notifications may then
   * be missed: a cache must stop trusting itself until true again).
   */
  onListening: (listening: boolean) => void;
  warn: (err: unknown, message: string) => void;
};

/**
 * One dedicated connection LISTENing on `channel`, reconnected with backoff (250 ms doubling to
 * 10 s) whenever it drops. Resolves after the first attempt (listening or not); `close()` stops.
 */
export async function listenToChannel(
  options: ChannelListenerOptions,
): Promise<{ close: () => Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) {
    throw new Error(`not a channel name: ${options.channel}`);
  }
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (attempt: number): Promise<void> => {
    if (stopped || client) {
      return;
    }
    const c = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: options.applicationName,
    });
    client = c;
    c.on('notification', (msg) => {
      if (msg.payload) {
        options.onNotify(msg.payload);
      }
    });
    const reconnect = () => {
      options.onListening(false);
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
      options.warn(err, `${options.channel}: connection lost; reconnecting`);
      reconnect();
    });
    c.on('end', () => {
      if (client === c && !stopped) {
        reconnect();
      }
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${options.channel}`);
      options.onListening(true);
    } catch (err) {
      options.warn(err, `${options.channel}: cannot listen yet; retrying`);
      reconnect();
    }
  };

  await connect(0);
  return {
    async close() {
      stopped = true;
      options.onListening(false);
      if (retry) {
        clearTimeout(retry);
      }
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
