import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { forwardRequest, hasBody, TunnelHub } from '@commander/tunnel';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  createKubeClient,
  credentialsSource,
  silentLogger,
  startAgentTunnel,
} from '../src/index.js';
import { type FakeKube, startFakeKube } from './fake-kube-server.js';
import { CLUSTER_ID, namespace } from './helpers.js';

/**
 * The real agent's tunnel against the fake Kubernetes API server, over real HTTP: a minimal
 * connector (the tunnel package's hub, as the API uses it) accepts the agent's WebSocket with
 * its key and sends requests down it; the agent answers them from "its" kube-apiserver with its
 * own credential and the impersonation headers the connector set.
 */
describe('agent tunnel', () => {
  let kube: FakeKube;
  let hub: TunnelHub;
  let front: http.Server;
  let base = '';
  const sockets = new Set<Socket>();
  let stop: () => void = () => undefined;

  beforeAll(async () => {
    kube = await startFakeKube();
    kube.put(namespace('apps'));
    hub = new TunnelHub();
    front = http.createServer((req, res) => {
      const t = hub.get(CLUSTER_ID);
      if (!t) {
        res.writeHead(503).end();
        return;
      }
      void forwardRequest(
        t,
        {
          method: req.method!,
          path: req.url!.replace(/^\/k8s/, ''),
          headers: {
            'impersonate-user': 'alice@example.com',
            'impersonate-group': 'commander:view',
          },
        },
        hasBody(req.headers) ? req : null,
        res,
      );
    });
    front.on('upgrade', (req, socket: Socket, head: Buffer) => {
      if (
        req.url === `/agent_api/${CLUSTER_ID}/tunnel` &&
        req.headers.authorization === 'Bearer cmdra_agent-key'
      ) {
        void hub.accept(CLUSTER_ID, req, socket, head);
      } else {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      }
    });
    front.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    stop();
    hub.close();
    for (const s of sockets) {
      s.destroy();
    }
    await new Promise((r) => front.close(r));
    await kube.close();
  });

  it('opens the tunnel with its key and serves Kubernetes requests as the impersonated user', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: kube.url, skipTLSVerify: true }],
      users: [{ name: 'agent', token: kube.token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'agent' }],
      currentContext: 'fake',
    });
    const client = createKubeClient(kc, { timeoutMs: 5000 });
    const tunnel = await startAgentTunnel({
      kubeConfig: kc,
      credentials: credentialsSource({
        kube: client,
        fromEnv: { commanderUrl: `${base}/agent_api/${CLUSTER_ID}`, token: 'cmdra_agent-key' },
        caFile: null,
        namespace: 'd8-commander-agent',
        secretName: 'commander-agent-credentials',
      }),
      log: silentLogger,
      minBackoffMs: 50,
      maxBackoffMs: 200,
    });
    stop = () => tunnel.stop();
    await vi.waitFor(() => expect(hub.get(CLUSTER_ID)).toBeDefined());
    const res = await fetch(`${base}/k8s/api/v1/namespaces/apps`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { name: string } }).metadata.name).toBe('apps');
    const seen = kube.requests.find((r) => r.path === '/api/v1/namespaces/apps');
    expect(seen).toMatchObject({ status: 200, impersonateUser: 'alice@example.com' });

    // The connector goes away and comes back: the agent reconnects by itself.
    const before = tunnel.connections;
    hub.get(CLUSTER_ID)!.close();
    await vi.waitFor(() => expect(tunnel.connections).toBe(before + 1), { timeout: 10_000 });
    await vi.waitFor(() => expect(hub.get(CLUSTER_ID)).toBeDefined());
    expect((await fetch(`${base}/k8s/version`)).status).toBe(200);
  });
});
