import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { WebSocketServer } from 'ws';

export type SeenRequest = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
};

/**
 * A stand-in kube-apiserver for the proxy tests: answers every request with what it received
 * (method, path, the headers that matter, body), streams `?watch=1` until closed, and echoes
 * WebSocket messages on an upgrade (an "exec").
 */
export async function startKubeEcho(): Promise<{
  url: string;
  seen: SeenRequest[];
  watchers: Set<http.ServerResponse>;
  close: () => Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const watchers = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      if (req.url?.includes('watch=1')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'ADDED', object: { kind: 'Pod' } })}\n`);
        watchers.add(res);
        res.on('close', () => watchers.delete(res));
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: entry.method,
          url: entry.url,
          body: entry.body,
          authorization: req.headers.authorization ?? null,
          impersonate_user: req.headers['impersonate-user'] ?? null,
          impersonate_group: req.headers['impersonate-group'] ?? null,
          cookie: req.headers.cookie ?? null,
          x_auth_token: req.headers['x-auth-token'] ?? null,
        }),
      );
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: Buffer) => ws.send(`echo:${data.toString()}`));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    watchers,
    close: async () => {
      for (const s of sockets) {
        s.destroy();
      }
      wss.close();
      await new Promise((r) => server.close(r));
    },
  };
}
