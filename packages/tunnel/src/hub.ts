import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';

import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws';

/** The HTTP/2 settings both ends use: many streams, windows large enough for watch bursts. */
export const TUNNEL_HTTP2_SETTINGS: http2.Settings = {
  maxConcurrentStreams: 1000,
  initialWindowSize: 1024 * 1024,
  enablePush: false,
};

export type HubLog = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
};

export type TunnelHubOptions = {
  /** How often the hub pings every agent; one missed pong closes the tunnel (default 25 s). */
  pingIntervalMs?: number;
  /** Largest WebSocket message accepted from an agent (default 1 MiB). */
  maxPayload?: number;
  log?: HubLog;
  /** A tunnel came up (after replacing any older one of the same cluster). */
  onConnected?: (tunnel: Tunnel) => void;
  /** A tunnel went away (and no newer one of the cluster replaced it). */
  onDisconnected?: (tunnel: Tunnel) => void;
};

/** What the hub sends down a tunnel: the agent turns it into a request to its kube-apiserver. */
export type TunnelRequest = {
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers: OutgoingHttpHeaders;
  /** The request carries a body or a byte stream (the stream's writable side stays open). */
  body: boolean;
};

/**
 * One agent's tunnel: the HTTP/2 client session running over its WebSocket. The session is
 * opened at the first request, not when the agent connects: nghttp2 allocates a 16 KiB frame
 * buffer (and Node its own state) per session up front, about two thirds of an idle tunnel's
 * memory. Until then the agent's SETTINGS frame waits in the WebSocket stream's buffer; liveness
 * is the WebSocket's ping/pong either way.
 */
export class Tunnel {
  readonly connectedAt = new Date();
  alive = true;
  closed = false;

  readonly id: string;
  readonly ws: WebSocket;
  private current: ClientHttp2Session | null = null;
  private readonly open: () => ClientHttp2Session;

  constructor(id: string, ws: WebSocket, open: () => ClientHttp2Session) {
    this.id = id;
    this.ws = ws;
    this.open = open;
  }

  /** The HTTP/2 session over the tunnel (opened now if this is its first use). */
  get session(): ClientHttp2Session {
    this.current ??= this.open();
    return this.current;
  }

  /** Whether the HTTP/2 session has been opened (tests, diagnostics). */
  get sessionOpen(): boolean {
    return this.current !== null;
  }

  /**
   * Opens a stream to the agent. `{ endStream: false }` whenever a body or byte stream follows:
   * Node would otherwise close a GET's writable side at once.
   */
  request(req: TunnelRequest): ClientHttp2Stream {
    return this.session.request(
      { ':method': req.method, ':path': req.path, ...req.headers },
      { endStream: !req.body },
    );
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.current?.destroy();
    this.ws.terminate();
  }
}

/**
 * The connector's side of agent tunnels. An agent's WebSocket (already authenticated by the
 * caller) becomes a duplex byte stream; the hub runs an HTTP/2 *client* session over it (the
 * agent is the HTTP/2 server), so every proxied request, watch or exec session is one HTTP/2
 * stream with its own flow control, multiplexed over the agent's single outbound connection.
 * One tunnel per cluster: a new one replaces the old.
 */
export class TunnelHub {
  readonly wss: WebSocketServer;
  private readonly tunnels = new Map<string, Tunnel>();
  private readonly ping: NodeJS.Timeout;
  private stopped = false;

  private readonly options: TunnelHubOptions;

  constructor(options: TunnelHubOptions = {}) {
    this.options = options;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload ?? 1024 * 1024,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.ping = setInterval(() => this.pingAll(), options.pingIntervalMs ?? 25_000);
    this.ping.unref();
  }

  get size(): number {
    return this.tunnels.size;
  }

  get(id: string): Tunnel | undefined {
    const t = this.tunnels.get(id);
    return t && !t.closed ? t : undefined;
  }

  ids(): string[] {
    return [...this.tunnels.keys()];
  }

  /**
   * Completes the WebSocket handshake of an agent the caller has authenticated as cluster `id`
   * and makes it that cluster's tunnel.
   */
  accept(id: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Tunnel> {
    return new Promise((resolve, reject) => {
      if (this.stopped) {
        socket.destroy();
        reject(new Error('the tunnel hub is closed'));
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => resolve(this.attach(id, ws)));
    });
  }

  /** Makes an open WebSocket cluster `id`'s tunnel (replacing an older one). */
  attach(id: string, ws: WebSocket): Tunnel {
    const duplex = createWebSocketStream(ws);
    duplex.on('error', () => undefined);
    // Streams that fail once the tunnel goes do so on their own; nothing to do per stream here.
    const gone = () => {
      tunnel.close();
      if (this.tunnels.get(id) === tunnel) {
        this.tunnels.delete(id);
        this.options.onDisconnected?.(tunnel);
      }
    };
    const tunnel = new Tunnel(id, ws, () => {
      const session = http2.connect('http://tunnel.invalid', {
        createConnection: () => duplex,
        settings: TUNNEL_HTTP2_SETTINGS,
      });
      session.on('error', (err: Error) =>
        this.options.log?.warn({ err, cluster_id: id }, 'tunnel error'),
      );
      session.on('close', gone);
      return session;
    });
    ws.on('close', gone);
    ws.on('error', () => undefined);
    ws.on('pong', () => {
      tunnel.alive = true;
    });
    const previous = this.tunnels.get(id);
    this.tunnels.set(id, tunnel);
    previous?.close();
    this.options.onConnected?.(tunnel);
    return tunnel;
  }

  private pingAll(): void {
    for (const t of this.tunnels.values()) {
      if (!t.alive) {
        t.close(); // no pong since the last ping: the agent or the path to it is gone
        continue;
      }
      t.alive = false;
      t.ws.ping();
    }
  }

  /** Closes every tunnel (their agents reconnect to another replica). */
  close(): void {
    this.stopped = true;
    clearInterval(this.ping);
    for (const t of [...this.tunnels.values()]) {
      t.close();
    }
    this.tunnels.clear();
    this.wss.close();
  }
}
