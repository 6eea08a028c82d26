// commander-connector: the connector as its own process (when the API is scaled out, agents'
// tunnels can land here instead of on API replicas). It authenticates each agent's WebSocket
// with the cluster's agent key, holds the tunnel, records it in `connector_tunnels`, and serves
// the API replicas' forwarded Kubernetes requests on its internal listener (shared secret).
import http from 'node:http';
import type { Socket } from 'node:net';

import { AGENT_KEYS_CHANNEL, AgentKeyCache } from '@commander/core';
import { listenToChannel, selectAgentAuth } from '@commander/db';
import { stopWhenSupervisorDies } from '@commander/process';
import { Connector, TunnelKeyGuard, writeRaw } from '@commander/tunnel';
import pg from 'pg';

import { loadConfig } from './config.js';

const config = loadConfig();
const quiet = config.logLevel === 'silent' || config.logLevel === 'error';
const line = (level: string, obj: object, msg: string) => {
  if (!quiet || level === 'error') {
    process.stdout.write(
      `${JSON.stringify({ level, time: new Date().toISOString(), ...obj, msg })}\n`,
    );
  }
};
const log = {
  info: (obj: object, msg: string) => line('info', obj, msg),
  warn: (obj: object, msg: string) => line('warn', obj, msg),
};

const pool = new pg.Pool({
  connectionString: config.databaseUrl,
  max: 4,
  application_name: 'commander-connector',
});
pool.on('error', (err) => log.warn({ err: err.message }, 'database connection lost'));
const agentKeys = new AgentKeyCache((uuid) => selectAgentAuth(pool, uuid), {
  ttlMs: config.agentKeyCacheTtlMs,
});
const connector = new Connector({ pool, internal: config.internal, log });
await connector.start();

/**
 * A cluster's keys changed, or it was archived or deleted (the trigger on `clusters` NOTIFYs
 * its id): its cache entry goes, and a tunnel it holds is closed unless the key it opened with
 * is still accepted (current, or previous within its grace period).
 */
const guard = new TunnelKeyGuard(
  connector.hub,
  async (uuid, hash) => (await agentKeys.authenticateHash(uuid, hash)) !== null,
  (clusterId) =>
    log.info({ cluster_id: clusterId }, 'tunnel closed: its agent key is no longer accepted'),
);
async function keysChanged(clusterId: string): Promise<void> {
  agentKeys.invalidate(clusterId);
  await guard.changed(clusterId);
}

// The cache is used only while this LISTEN connection is up (emptied and bypassed otherwise).
const listener = await listenToChannel({
  databaseUrl: config.databaseUrl,
  channel: AGENT_KEYS_CHANNEL,
  applicationName: 'commander-connector-agent-keys',
  onNotify: (clusterId) => void keysChanged(clusterId),
  onListening: (listening) => agentKeys.setListening(listening),
  warn: (err, message) =>
    log.warn(
      { err: err instanceof Error ? err.message : String(err) },
      `agent key invalidation: ${message} (cache off until it is back)`,
    ),
});

const TUNNEL = /^\/agent_api\/([0-9a-fA-F-]{36})\/tunnel(\?.*)?$/;
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', tunnels: connector.hub.size }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"code":"not_found","message":"Not found"}}');
});
server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
  socket.on('error', () => socket.destroy());
  const m = TUNNEL.exec(req.url ?? '');
  const auth = req.headers.authorization;
  const key = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
  if (!m || !key) {
    writeRaw(socket, m ? 401 : 404, {}, '{"error":{"code":"unauthorized"}}');
    return;
  }
  agentKeys.authenticate(m[1]!.toLowerCase(), key).then(
    (cluster) => {
      if (!cluster) {
        writeRaw(socket, 401, {}, '{"error":{"code":"unauthorized"}}');
        return;
      }
      connector.hub.accept(cluster.id, req, socket, head).then(
        (tunnel) => guard.opened(tunnel, cluster.uuid, AgentKeyCache.hashKey(key)),
        () => undefined,
      );
    },
    () => writeRaw(socket, 503, {}, '{"error":{"code":"service_unavailable"}}'),
  );
});
await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
log.info(
  { port: config.port, internal: connector.address, replica: connector.replicaId },
  'commander-connector listening',
);

let stopping = false;
const stop = () => {
  if (stopping) {
    process.exit(1);
  }
  stopping = true;
  // Tunnels first (agents reconnect to another replica), then this replica's rows, the pool.
  void listener
    .close()
    .then(() => connector.close())
    .then(() => {
      server.closeAllConnections();
      server.close();
      return pool.end();
    })
    .finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
stopWhenSupervisorDies(config.supervisorPid, () => process.kill(process.pid, 'SIGTERM'));
