import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

import type { FastifyInstance } from 'fastify';
import { generate } from 'selfsigned';

import type { Config } from './config.js';

export type TlsMaterial = { cert: string; key: string; generated: boolean };

/** The names a generated certificate covers: loopback and the public URL's host. */
export function certificateHosts(publicUrl: string): string[] {
  const hostname = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  return [...new Set(['localhost', '127.0.0.1', '::1', hostname])];
}

/**
 * The HTTPS listener's certificate and key: read from their files, or, when neither file exists
 * yet (a first start), a self-signed certificate (ECDSA P-256, SHA-256, ten years, its own CA)
 * for `hosts` is generated and written there (the key with mode 0600). A certificate that exists
 * without its key (or the reverse) is an error, never silently replaced.
 */
export async function ensureTlsMaterial(
  certFile: string,
  keyFile: string,
  hosts: string[],
): Promise<TlsMaterial> {
  const haveCert = existsSync(certFile);
  const haveKey = existsSync(keyFile);
  if (haveCert && haveKey) {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    new X509Certificate(cert); // refuses a file that is not a certificate, at start-up
    return { cert, key, generated: false };
  }
  if (haveCert !== haveKey) {
    throw new Error(
      `TLS: ${haveCert ? keyFile : certFile} is missing (${haveCert ? certFile : keyFile} exists); provide both, or remove both to generate a self-signed pair`,
    );
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'Commander (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 10 * 365 * 24 * 3_600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((h) =>
          isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h },
        ),
      },
    ],
  });
  mkdirSync(path.dirname(certFile), { recursive: true });
  mkdirSync(path.dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, generated: true };
}

/**
 * Serves the same application over HTTPS on a second port: TLS is terminated here and each
 * decrypted connection is handed to the API's own HTTP server, so routes, hooks, upgrades
 * (exec, the agents' tunnels) and client addresses are exactly those of the plain port
 * (`request.protocol` is `https` there). The caller closes it (stops listening) before the app:
 * the connections it handed over close with the app's server.
 */
export async function serveTls(
  app: FastifyInstance,
  material: TlsMaterial,
  host: string,
  port: number,
): Promise<tls.Server> {
  const server = tls.createServer(
    { cert: material.cert, key: material.key, ALPNProtocols: ['http/1.1'], minVersion: 'TLSv1.2' },
    (socket) => {
      app.server.emit('connection', socket);
    },
  );
  // A handshake that fails (a client that does not trust the certificate) is the client's
  // business: no crash, no noise.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * Where a downloaded kubeconfig points kubectl and what CA it trusts: the explicit
 * COMMANDER_KUBECONFIG_SERVER_URL; else the public URL when it is HTTPS (TLS terminated by a
 * proxy: the CA is COMMANDER_CA_BUNDLE, empty for a publicly trusted one); else this process's
 * own HTTPS listener, with its certificate as the CA (kubectl sends a bearer token only over
 * HTTPS, and verifies the server: no insecure-skip-tls-verify).
 */
export function kubeconfigServer(
  config: Config,
  ownCertificate: string | null,
): { serverUrl: string; caData: string } {
  const { kubeconfigServerUrl } = config.connector;
  if (kubeconfigServerUrl) {
    return { serverUrl: kubeconfigServerUrl, caData: config.caBundle };
  }
  if (config.publicUrl.startsWith('https:') || !config.tls || !ownCertificate) {
    return { serverUrl: config.publicUrl, caData: config.caBundle };
  }
  const url = new URL(config.publicUrl);
  return {
    serverUrl: `https://${url.hostname}:${config.tls.port}`,
    caData: Buffer.from(ownCertificate).toString('base64'),
  };
}
