// Serving a kube-sim on a port (tests, the dev proxy).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { KubeSim } from './sim.js';

/** A kube-sim listening on a port. */
export type ServedKubeSim = {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
};

/** Serves the simulated API over plain HTTP on `host:port` (port 0 picks a free one). */
export async function serveKubeSim(
  sim: KubeSim,
  options: { port?: number; host?: string } = {},
): Promise<ServedKubeSim> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => sim.handle(request, response));
  server.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) =>
    sim.handleUpgrade(request, socket, head),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    async close() {
      sim.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
