import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';

import {
  forwardRequest,
  type ForwardTarget,
  forwardUpgrade,
  hasBody,
  writeRaw,
} from './forward.js';
import { forwardableHeaders, kubeStatus } from './headers.js';
import { type HubLog, type Tunnel, TunnelHub } from './hub.js';

/** The SQL the registry needs (a pg Pool fits). */
export type Queryable = {
  query: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
};

export type ConnectorOptions = {
  /** Where the table of live tunnels lives; null: one replica, no table, no forwarding. */
  pool: Queryable | null;
  /** This replica's name in the table (default: a random UUID per process). */
  replicaId?: string;
  /**
   * The internal listener other replicas forward requests to (null: none; this replica then
   * neither records its tunnels nor forwards). `secret` (≥ 32 characters) is shared by all
   * replicas; `advertiseUrl` is how they reach this one (default http://host:port).
   */
  internal?: { host: string; port: number; advertiseUrl?: string; secret: string } | null;
  /** How often this replica refreshes its rows (default 10 s); 3 missed = stale. */
  heartbeatMs?: number;
  pingIntervalMs?: number;
  log?: HubLog;
};

export const FORWARD_SECRET_HEADER = 'x-commander-connector-secret';
const INTERNAL_PATH = /^\/internal\/tunnels\/([0-9a-f-]{36})(\/.*)$/;

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}

/**
 * The connector: the hub of agent tunnels plus, with several replicas, the table of which
 * replica holds which cluster's tunnel (`connector_tunnels`) and an internal listener: a
 * request for a cluster whose tunnel another replica holds is forwarded there (HTTP with the
 * replicas' shared secret), already authenticated and authorized, with the headers the proxy
 * computed. Rows of replicas whose heartbeat stopped are ignored and deleted.
 */
export class Connector {
  readonly hub: TunnelHub;
  readonly replicaId: string;
  private readonly options: ConnectorOptions;
  private internalServer: http.Server | null = null;
  private advertise: string | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly staleAfterMs: number;

  constructor(options: ConnectorOptions) {
    this.options = options;
    this.replicaId = options.replicaId ?? randomUUID();
    this.staleAfterMs = 3 * (options.heartbeatMs ?? 10_000);
    this.hub = new TunnelHub({
      pingIntervalMs: options.pingIntervalMs,
      log: options.log,
      onConnected: (t) => void this.record(t),
      onDisconnected: (t) => void this.forget(t),
    });
  }

  /** The address other replicas use to reach this one (null without an internal listener). */
  get address(): string | null {
    return this.advertise;
  }

  async start(): Promise<void> {
    const internal = this.options.internal;
    if (internal && this.options.pool) {
      if (internal.secret.length < 32) {
        throw new Error('The connector secret must have at least 32 characters');
      }
      const server = http.createServer((req, res) => this.serveInternal(req, res));
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        this.serveInternalUpgrade(req, socket, head),
      );
      server.on('connection', (s: Socket) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(internal.port, internal.host, () => resolve());
      });
      this.internalServer = server;
      const port = (server.address() as AddressInfo).port;
      this.advertise = internal.advertiseUrl ?? `http://${internal.host}:${port}`;
      const every = this.options.heartbeatMs ?? 10_000;
      this.heartbeat = setInterval(() => void this.beat(), every);
      this.heartbeat.unref();
    }
  }

  private async record(t: Tunnel): Promise<void> {
    if (!this.options.pool || !this.advertise) {
      return;
    }
    try {
      await this.options.pool.query(
        `INSERT INTO connector_tunnels (cluster_id, replica_id, address, connected_at, heartbeat_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (cluster_id) DO UPDATE SET replica_id = EXCLUDED.replica_id,
           address = EXCLUDED.address, connected_at = EXCLUDED.connected_at, heartbeat_at = now()`,
        [t.id, this.replicaId, this.advertise, t.connectedAt],
      );
    } catch (err) {
      this.options.log?.warn({ err, cluster_id: t.id }, 'cannot record the tunnel');
    }
  }

  private async forget(t: Tunnel): Promise<void> {
    if (!this.options.pool || !this.advertise) {
      return;
    }
    try {
      // Only our own row: the agent may already be connected to another replica.
      await this.options.pool.query(
        'DELETE FROM connector_tunnels WHERE cluster_id = $1 AND replica_id = $2',
        [t.id, this.replicaId],
      );
    } catch (err) {
      this.options.log?.warn({ err, cluster_id: t.id }, 'cannot forget the tunnel');
    }
  }

  /** Refreshes this replica's rows, re-adds missing ones, deletes stale rows of others. */
  async beat(): Promise<void> {
    const pool = this.options.pool;
    if (!pool || !this.advertise) {
      return;
    }
    try {
      const ids = this.hub.ids();
      await pool.query(
        `INSERT INTO connector_tunnels (cluster_id, replica_id, address, connected_at, heartbeat_at)
         SELECT t.cid, $2, $3, now(), now() FROM unnest($1::uuid[]) AS t(cid)
         WHERE EXISTS (SELECT 1 FROM clusters c WHERE c.id = t.cid)
         ON CONFLICT (cluster_id) DO UPDATE SET replica_id = EXCLUDED.replica_id,
           address = EXCLUDED.address, heartbeat_at = now()
         WHERE connector_tunnels.replica_id = EXCLUDED.replica_id`,
        [ids, this.replicaId, this.advertise],
      );
      await pool.query(
        `DELETE FROM connector_tunnels
          WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)`,
        [this.staleAfterMs],
      );
    } catch (err) {
      this.options.log?.warn({ err }, 'tunnel heartbeat failed');
    }
  }

  /** Where cluster `id`'s tunnel is: here, at another replica's address, or nowhere. */
  async locate(id: string): Promise<{ local: Tunnel } | { remote: string } | null> {
    const local = this.hub.get(id);
    if (local) {
      return { local };
    }
    if (!this.options.pool || !this.advertise) {
      return null;
    }
    const { rows } = await this.options.pool.query(
      `SELECT address FROM connector_tunnels
        WHERE cluster_id = $1 AND replica_id <> $2
          AND heartbeat_at > now() - make_interval(secs => $3::double precision / 1000)`,
      [id, this.replicaId, this.staleAfterMs],
    );
    const address = rows[0]?.address;
    return typeof address === 'string' ? { remote: address } : null;
  }

  /**
   * Sends an authorized request to cluster `id`'s kube-apiserver, wherever its tunnel is.
   * Resolves with the response status (503 when the cluster has no tunnel).
   */
  async proxyRequest(
    id: string,
    target: ForwardTarget,
    body: Readable | null,
    res: ServerResponse,
  ): Promise<number> {
    const where = await this.locate(id);
    if (!where) {
      noTunnel(res);
      return 503;
    }
    if ('local' in where) {
      return forwardRequest(where.local, target, body, res);
    }
    return this.forwardToReplica(where.remote, id, target, body, res);
  }

  /** The same for an upgrade (exec, attach, port-forward). */
  async proxyUpgrade(
    id: string,
    target: ForwardTarget & { upgrade: string },
    socket: Duplex,
    head: Buffer,
  ): Promise<number> {
    const where = await this.locate(id);
    if (!where) {
      writeRaw(socket, 503, {}, noTunnelBody());
      return 503;
    }
    if ('local' in where) {
      return forwardUpgrade(where.local, target, socket, head);
    }
    return this.upgradeAtReplica(where.remote, id, target, socket, head);
  }

  private replicaRequest(
    address: string,
    id: string,
    target: ForwardTarget,
    upgrade?: string,
  ): http.ClientRequest {
    const url = new URL(`/internal/tunnels/${id}${target.path}`, address);
    return http.request(url, {
      method: target.method,
      headers: {
        ...target.headers,
        [FORWARD_SECRET_HEADER]: this.options.internal!.secret,
        'x-commander-forwarded-by': this.replicaId,
        ...(upgrade ? { connection: 'Upgrade', upgrade } : {}),
      },
    });
  }

  private forwardToReplica(
    address: string,
    id: string,
    target: ForwardTarget,
    body: Readable | null,
    res: ServerResponse,
  ): Promise<number> {
    return new Promise((resolve) => {
      // Sent chunked: the receiving replica streams it on without a length.
      const headers = { ...target.headers };
      delete headers['content-length'];
      const out = this.replicaRequest(address, id, { ...target, headers });
      out.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardableHeaders(answer.headers));
        res.flushHeaders();
        answer.pipe(res);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
        answer.on('error', () => res.destroy());
      });
      out.on('error', (err) => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(
            kubeStatus(502, 'BadGateway', `The replica holding the tunnel failed: ${err.message}`),
          );
        } else {
          res.destroy();
        }
        resolve(502);
      });
      res.on('close', () => out.destroy());
      if (body) {
        body.pipe(out);
        body.on('error', () => out.destroy());
      } else {
        out.end();
      }
    });
  }

  private upgradeAtReplica(
    address: string,
    id: string,
    target: ForwardTarget & { upgrade: string },
    socket: Duplex,
    head: Buffer,
  ): Promise<number> {
    return new Promise((resolve) => {
      const out = this.replicaRequest(address, id, target, target.upgrade);
      out.on('upgrade', (answer, upstream: Duplex, upstreamHead: Buffer) => {
        const lines = [
          'HTTP/1.1 101 Switching Protocols',
          'Connection: Upgrade',
          `Upgrade: ${target.upgrade}`,
          ...Object.entries(forwardableHeaders(answer.headers)).flatMap(([k, v]) =>
            [v].flat().map((x) => `${k}: ${String(x)}`),
          ),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (upstreamHead.length > 0) {
          socket.write(upstreamHead);
        }
        if (head.length > 0) {
          upstream.write(head);
        }
        upstream.pipe(socket);
        socket.pipe(upstream);
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
        upstream.on('close', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
        resolve(101);
      });
      out.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          writeRaw(
            socket,
            answer.statusCode ?? 502,
            { 'content-type': String(answer.headers['content-type'] ?? 'application/json') },
            Buffer.concat(chunks).toString(),
          );
          resolve(answer.statusCode ?? 502);
        });
      });
      out.on('error', (err) => {
        writeRaw(socket, 502, {}, kubeStatus(502, 'BadGateway', err.message));
        resolve(502);
      });
      out.end();
    });
  }

  private authorizedInternal(req: IncomingMessage): { id: string; path: string } | null {
    const secret = req.headers[FORWARD_SECRET_HEADER];
    const m = INTERNAL_PATH.exec(req.url ?? '');
    if (
      typeof secret !== 'string' ||
      !this.options.internal ||
      !sameSecret(secret, this.options.internal.secret) ||
      !m
    ) {
      return null;
    }
    return { id: m[1]!, path: m[2]! };
  }

  private internalTarget(req: IncomingMessage, path: string): ForwardTarget {
    return {
      method: req.method ?? 'GET',
      path,
      headers: forwardableHeaders(
        req.headers,
        (n) => n === FORWARD_SECRET_HEADER || n === 'x-commander-forwarded-by',
      ),
    };
  }

  /** A request another replica forwarded: only to a tunnel held HERE (never forwarded again). */
  private serveInternal(req: IncomingMessage, res: ServerResponse): void {
    const ok = this.authorizedInternal(req);
    if (!ok) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(kubeStatus(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const tunnel = this.hub.get(ok.id);
    if (!tunnel) {
      noTunnel(res);
      return;
    }
    void forwardRequest(
      tunnel,
      this.internalTarget(req, ok.path),
      hasBody(req.headers) ? req : null,
      res,
    );
  }

  private serveInternalUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ok = this.authorizedInternal(req);
    if (!ok) {
      writeRaw(socket, 401, {}, kubeStatus(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const tunnel = this.hub.get(ok.id);
    const upgrade = req.headers.upgrade;
    if (!tunnel || !upgrade) {
      writeRaw(socket, 503, {}, noTunnelBody());
      return;
    }
    void forwardUpgrade(tunnel, { ...this.internalTarget(req, ok.path), upgrade }, socket, head);
  }

  /** Closes every tunnel and the internal listener; this replica's rows are deleted. */
  async close(): Promise<void> {
    if (this.heartbeat) {
      clearInterval(this.heartbeat);
    }
    this.hub.close();
    if (this.internalServer) {
      for (const s of this.sockets) {
        s.destroy();
      }
      await new Promise((r) => this.internalServer!.close(r));
    }
    if (this.options.pool && this.advertise) {
      await this.options.pool
        .query('DELETE FROM connector_tunnels WHERE replica_id = $1', [this.replicaId])
        .catch(() => undefined);
    }
  }
}

function noTunnelBody(): string {
  return kubeStatus(
    503,
    'ServiceUnavailable',
    "The cluster's agent is not connected to Commander (no tunnel): check that the agent runs and reaches Commander",
  );
}

function noTunnel(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(noTunnelBody());
}
