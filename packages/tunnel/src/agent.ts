import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import http2, { type ServerHttp2Stream } from 'node:http2';
import https from 'node:https';
import type { Duplex } from 'node:stream';

import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { createWebSocketStream, WebSocket } from 'ws';

import { forwardableHeaders, kubeStatus, TUNNEL_UPGRADE, TUNNEL_UPGRADED } from './headers.js';
import { TUNNEL_HTTP2_SETTINGS } from './hub.js';

/** Where the agent sends what arrives through the tunnel: its cluster's kube-apiserver. */
export type TunnelTarget = {
  /** e.g. https://kubernetes.default.svc or http://127.0.0.1:8080 (a path prefix is kept). */
  baseUrl: string;
  /** The agent's own credential there (a bearer token, read again for every request). */
  token?: (() => string | null | undefined) | string | null;
  /** CA bundle (PEM) of the kube-apiserver. */
  ca?: string | Buffer | undefined;
  /** A client certificate and key (PEM), when the agent authenticates with one. */
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  rejectUnauthorized?: boolean;
};

export type AgentLog = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
};

/** Where and as whom to connect, read again at every attempt (keys rotate, Secrets change). */
export type TunnelEndpoint = {
  /** ws(s)://commander/agent_api/<cluster uuid>/tunnel */
  url: string;
  /** The cluster's agent key. */
  key: string;
  /** CA bundle (PEM) of the connector's TLS. */
  ca?: string | Buffer | null | undefined;
};

export type TunnelAgentOptions = {
  /** ws(s)://commander/agent_api/<cluster uuid>/tunnel (or `endpoint`). */
  url?: string;
  /** The cluster's agent key (or `endpoint`). */
  key?: string;
  /** Read before every connection attempt instead of url/key/ca. */
  endpoint?: () => Promise<TunnelEndpoint>;
  target: TunnelTarget;
  /** HTTP proxy for the connection to the connector (e.g. HTTPS_PROXY). */
  proxy?: string | null | undefined;
  /** CA bundle (PEM) of the connector's TLS. */
  ca?: string | Buffer | undefined;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** No ping from the connector for this long: the connection is dead, reconnect (default 60 s). */
  idleTimeoutMs?: number;
  log?: AgentLog;
};

/**
 * The agent's side of the tunnel: ONE outbound WebSocket to the connector (agent key in the
 * Authorization header, through an HTTP proxy when configured), kept open and reopened with
 * jittered exponential backoff. Over it runs an HTTP/2 *server*: every stream the connector
 * opens is one request to the kube-apiserver, sent with the agent's own credential; a stream
 * marked as an upgrade becomes an upgraded connection (exec, attach, port-forward) whose bytes
 * are piped both ways.
 */
export class TunnelAgent {
  private ws: WebSocket | null = null;
  private session: http2.ServerHttp2Session | null = null;
  private readonly server: http2.Http2Server;
  private stopped = true;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;
  private idle: NodeJS.Timeout | null = null;
  private readonly targetAgent: http.Agent;
  private connectedListeners: (() => void)[] = [];
  /** Times the tunnel came up (tests and logs). */
  connections = 0;

  private readonly options: TunnelAgentOptions;

  constructor(options: TunnelAgentOptions) {
    this.options = options;
    this.server = http2.createServer({ settings: TUNNEL_HTTP2_SETTINGS });
    this.server.on('stream', (stream, headers) => this.serve(stream, headers));
    this.server.on('sessionError', () => undefined);
    // Emitted synchronously while the connection is handed over (see connect()).
    this.server.on('session', (session) => {
      session.on('error', () => undefined);
      this.lastSession = session;
    });
    const target = new URL(options.target.baseUrl);
    this.targetAgent =
      target.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: options.target.ca,
            cert: options.target.cert,
            key: options.target.key,
            rejectUnauthorized: options.target.rejectUnauthorized ?? true,
          })
        : new http.Agent({ keepAlive: true });
  }

  get connected(): boolean {
    return this.session !== null && !this.session.destroyed;
  }

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.connect();
  }

  /** Resolves once the tunnel is up (now, if it is). */
  waitConnected(): Promise<void> {
    if (this.connected) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.connectedListeners.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) {
      clearTimeout(this.retry);
    }
    if (this.idle) {
      clearTimeout(this.idle);
    }
    this.session?.destroy();
    this.ws?.terminate();
    this.ws = null;
    this.session = null;
    this.targetAgent.destroy();
  }

  private connect(): void {
    if (this.stopped) {
      return;
    }
    const endpoint = this.options.endpoint
      ? this.options.endpoint()
      : Promise.resolve({
          url: this.options.url ?? '',
          key: this.options.key ?? '',
          ca: this.options.ca,
        });
    endpoint.then(
      (e) => this.open(e),
      (err: unknown) => {
        this.options.log?.warn(
          { err: (err as Error).message },
          'cannot read the tunnel credentials yet',
        );
        this.scheduleReconnect();
      },
    );
  }

  private open({ url, key, ca: rawCa }: TunnelEndpoint): void {
    if (this.stopped) {
      return;
    }
    const ca = rawCa ?? undefined;
    const secure = url.startsWith('wss:');
    const proxy = this.options.proxy;
    const agent = proxy
      ? secure
        ? new HttpsProxyAgent({ proxy, ca, keepAlive: false })
        : new HttpProxyAgent({ proxy, keepAlive: false })
      : undefined;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${key}` },
      perMessageDeflate: false,
      ca,
      agent,
      handshakeTimeout: 15_000,
    });
    this.ws = ws;
    let opened = false;
    const down = (reason: string) => {
      if (this.ws !== ws) {
        return;
      }
      this.ws = null;
      this.session?.destroy();
      this.session = null;
      if (this.idle) {
        clearTimeout(this.idle);
      }
      ws.terminate();
      if (opened) {
        this.options.log?.warn({ reason }, 'tunnel to the connector lost; reconnecting');
        this.attempt = 0;
      }
      this.scheduleReconnect();
    };
    ws.on('unexpected-response', (_req, res) => {
      this.options.log?.warn({ status: res.statusCode }, 'the connector refused the tunnel');
      res.resume();
      down(`refused with ${res.statusCode}`);
    });
    ws.on('error', (err) => down(err.message));
    ws.on('close', () => down('closed'));
    ws.on('ping', () => this.touch(ws));
    ws.on('open', () => {
      opened = true;
      this.attempt = 0;
      this.connections += 1;
      this.touch(ws);
      const duplex = createWebSocketStream(ws);
      duplex.on('error', () => undefined);
      this.server.emit('connection', duplex);
      // The session the server just made for this connection.
      this.session = this.lastSession ?? null;
      this.options.log?.info({ url }, 'tunnel to the connector is up');
      const listeners = this.connectedListeners;
      this.connectedListeners = [];
      for (const l of listeners) {
        l();
      }
    });
  }

  private lastSession: http2.ServerHttp2Session | null = null;

  private touch(ws: WebSocket): void {
    if (this.idle) {
      clearTimeout(this.idle);
    }
    this.idle = setTimeout(() => {
      if (this.ws === ws) {
        this.options.log?.warn({}, 'no ping from the connector; reconnecting');
        ws.terminate();
      }
    }, this.options.idleTimeoutMs ?? 60_000);
    this.idle.unref();
  }

  private scheduleReconnect(): void {
    if (this.stopped) {
      return;
    }
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.attempt, 16));
    // Full jitter: thousands of agents losing one connector do not come back in step.
    const delay = min / 2 + Math.random() * (ceiling - min / 2);
    this.attempt += 1;
    this.retry = setTimeout(() => this.connect(), delay);
    this.retry.unref();
  }

  /** The headers sent to the kube-apiserver: the connector's, plus the agent's credential. */
  private targetHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
    const out = forwardableHeaders(headers, (name) => name === 'authorization');
    const t = this.options.target.token;
    const token = typeof t === 'function' ? t() : t;
    if (token) {
      out.authorization = `Bearer ${token}`;
    }
    return out;
  }

  private serve(stream: ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    const method = String(headers[':method'] ?? 'GET');
    const path = String(headers[':path'] ?? '/');
    const base = this.options.target.baseUrl.replace(/\/+$/, '');
    const url = new URL(base + path);
    const upgrade = headers[TUNNEL_UPGRADE];
    const out = this.targetHeaders(headers);
    if (typeof upgrade === 'string') {
      out.connection = 'Upgrade';
      out.upgrade = upgrade;
    }
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method,
      headers: out,
      agent: typeof upgrade === 'string' ? false : this.targetAgent,
      ...(url.protocol === 'https:'
        ? {
            ca: this.options.target.ca,
            cert: this.options.target.cert,
            key: this.options.target.key,
            rejectUnauthorized: this.options.target.rejectUnauthorized ?? true,
          }
        : {}),
    });
    const failed = (err: Error) => {
      if (!stream.headersSent && !stream.closed) {
        stream.respond({ ':status': 502, 'content-type': 'application/json' });
        stream.end(
          kubeStatus(
            502,
            'BadGateway',
            `The agent cannot reach the kube-apiserver: ${err.message}`,
          ),
        );
      } else {
        stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      }
    };
    request.on('error', failed);
    stream.on('close', () => request.destroy());
    request.on('response', (res) => {
      if (stream.closed) {
        res.destroy();
        return;
      }
      stream.respond({ ':status': res.statusCode ?? 502, ...forwardableHeaders(res.headers) });
      res.pipe(stream);
      res.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    });
    if (typeof upgrade === 'string') {
      request.on('upgrade', (res, socket: Duplex, head: Buffer) => {
        if (stream.closed) {
          socket.destroy();
          return;
        }
        stream.respond({
          ':status': 200,
          [TUNNEL_UPGRADED]: String(res.statusCode ?? 101),
          ...forwardableHeaders(res.headers),
        });
        if (head.length > 0) {
          stream.write(head);
        }
        socket.on('error', () => stream.close(http2.constants.NGHTTP2_CANCEL));
        stream.on('close', () => socket.destroy());
        socket.pipe(stream);
        stream.pipe(socket);
      });
      request.end();
    } else {
      stream.pipe(request);
    }
  }
}
