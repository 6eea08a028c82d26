import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

import { forwardRequest, forwardUpgrade, hasBody, TunnelAgent, TunnelHub } from '../src/index.js';

/** A stand-in kube-apiserver: echoes requests, streams a watch, and runs an echo "exec". */
function upstream() {
  const seen: http.IncomingHttpHeaders[] = [];
  const watchers = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url?.includes('watch=1')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { n: 1 } })}\n`);
      watchers.add(res);
      req.on('close', () => watchers.delete(res));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body: Buffer.concat(chunks).toString(),
          authorization: req.headers.authorization ?? null,
          user: req.headers['impersonate-user'] ?? null,
        }),
      );
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    seen.push(req.headers);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: Buffer) => ws.send(Buffer.concat([Buffer.from('echo:'), data])));
    });
  });
  return { server, seen, watchers };
}

describe('tunnel', () => {
  const up = upstream();
  let hub: TunnelHub;
  let front: http.Server;
  let agent: TunnelAgent;
  let frontPort = 0;
  let upPort = 0;
  const sockets = new Set<Socket>();
  /** Stops the connector as a killed process would: every connection cut. */
  const stopFront = async () => {
    hub.close();
    for (const s of sockets) {
      s.destroy();
    }
    await new Promise((r) => front.close(r));
  };

  const startFront = async (port = 0) => {
    hub = new TunnelHub({ pingIntervalMs: 1000 });
    front = http.createServer((req, res) => {
      const t = hub.get('c1');
      if (!t) {
        res.writeHead(503).end();
        return;
      }
      void forwardRequest(
        t,
        { method: req.method!, path: req.url!, headers: { 'impersonate-user': 'u@x' } },
        hasBody(req.headers) ? req : null,
        res,
      );
    });
    front.on('upgrade', (req, socket, head: Buffer) => {
      if (req.url === '/tunnel') {
        if (req.headers.authorization !== 'Bearer k1') {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
          return;
        }
        void hub.accept('c1', req, socket, head);
        return;
      }
      const t = hub.get('c1')!;
      void forwardUpgrade(
        t,
        {
          method: 'GET',
          path: req.url!,
          headers: {
            'sec-websocket-key': req.headers['sec-websocket-key']!,
            'sec-websocket-version': '13',
          },
          upgrade: 'websocket',
        },
        socket,
        head,
      );
    });
    front.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => front.listen(port, '127.0.0.1', r));
    frontPort = (front.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    await new Promise<void>((r) => up.server.listen(0, '127.0.0.1', r));
    upPort = (up.server.address() as AddressInfo).port;
    await startFront();
    agent = new TunnelAgent({
      url: `ws://127.0.0.1:${frontPort}/tunnel`,
      key: 'k1',
      target: { baseUrl: `http://127.0.0.1:${upPort}`, token: 'agent-sa-token' },
      minBackoffMs: 50,
      maxBackoffMs: 200,
    });
    agent.start();
    await vi.waitFor(() => expect(hub.get('c1')).toBeDefined(), { timeout: 15_000 });
  });

  afterAll(async () => {
    agent.stop();
    await stopFront();
    up.server.closeAllConnections();
    await new Promise((r) => up.server.close(r));
  });

  const base = () => `http://127.0.0.1:${frontPort}`;

  it('carries concurrent requests, a watch and an exec over one tunnel', async () => {
    // An idle tunnel has no HTTP/2 session yet (its memory): the first request opens it, and
    // the agent's SETTINGS, waiting in the WebSocket stream since it connected, are read then.
    expect(hub.get('c1')!.sessionOpen).toBe(false);
    const version = await fetch(`${base()}/version`);
    expect(version.status).toBe(200);
    expect(hub.get('c1')!.sessionOpen).toBe(true);
    const watch = await fetch(`${base()}/api/v1/pods?watch=1`);
    const reader = watch.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('ADDED');

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${base()}/api/v1/namespaces/n${i}`, {
          method: i % 2 ? 'POST' : 'GET',
          body: i % 2 ? `{"i":${i}}` : undefined,
        }).then((r) => r.json() as Promise<any>),
      ),
    );
    answers.forEach((a, i) => {
      expect(a.url).toBe(`/api/v1/namespaces/n${i}`);
      expect(a.body).toBe(i % 2 ? `{"i":${i}}` : '');
      expect(a.authorization).toBe('Bearer agent-sa-token');
      expect(a.user).toBe('u@x');
    });

    // The watch is still open: a later event arrives through it.
    for (const w of up.watchers) {
      w.write(`${JSON.stringify({ type: 'MODIFIED', object: { n: 2 } })}\n`);
    }
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toContain('MODIFIED');
    await reader.cancel();
    await vi.waitFor(() => expect(up.watchers.size).toBe(0));

    const ws = new WebSocket(
      `ws://127.0.0.1:${frontPort}/api/v1/namespaces/d/pods/p/exec?command=sh`,
    );
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    await new Promise((r) => ws.on('open', r));
    ws.send('ls');
    ws.send('pwd');
    await vi.waitFor(() => expect(got).toEqual(['echo:ls', 'echo:pwd']));
    ws.close();
  });

  it('reconnects after the connector restarts', async () => {
    const before = agent.connections;
    await stopFront();
    await startFront(frontPort);
    await vi.waitFor(() => expect(hub.get('c1')).toBeDefined(), { timeout: 10_000 });
    expect(agent.connections).toBe(before + 1);
    const r = await fetch(`${base()}/api/v1/nodes`);
    expect(((await r.json()) as any).url).toBe('/api/v1/nodes');
  });
});
