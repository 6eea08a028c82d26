import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { certificateHosts, ensureTlsMaterial } from './tls.js';

describe('the HTTPS listener’s certificate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'commander-tls-'));
  const cert = path.join(dir, 'tls/cert.pem');
  const key = path.join(dir, 'tls/key.pem');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once (self-signed, for loopback and the public host, key 0600) and then reused', async () => {
    const hosts = certificateHosts('http://commander.lan:8080');
    expect(hosts).toEqual(['localhost', '127.0.0.1', '::1', 'commander.lan']);
    const first = await ensureTlsMaterial(cert, key, hosts);
    expect(first.generated).toBe(true);
    expect(statSync(key).mode & 0o077).toBe(0);
    const x509 = new X509Certificate(first.cert);
    expect(x509.checkHost('commander.lan')).toBe('commander.lan');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBeTruthy();
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    const again = await ensureTlsMaterial(cert, key, hosts);
    expect(again).toEqual({ cert: first.cert, key: first.key, generated: false });
  });

  it('refuses a certificate without its key rather than replacing it', async () => {
    unlinkSync(key);
    await expect(ensureTlsMaterial(cert, key, ['localhost'])).rejects.toThrow(
      /key\.pem is missing/,
    );
  });
});
