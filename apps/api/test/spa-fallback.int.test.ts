import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

// A build as apps/web writes it: hashed assets with brotli and gzip copies next to them.
const webDist = mkdtempSync(path.join(tmpdir(), 'commander-web-'));
const script = `console.log(${JSON.stringify('commander '.repeat(200))});\n`;
writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Commander</title>');
writeFileSync(path.join(webDist, 'color-scheme.js'), 'document.documentElement.dataset.x = 1;\n');
mkdirSync(path.join(webDist, 'assets'));
writeFileSync(path.join(webDist, 'assets', 'index-AbC123.js'), script);
writeFileSync(path.join(webDist, 'assets', 'index-AbC123.js.br'), brotliCompressSync(script));
writeFileSync(path.join(webDist, 'assets', 'index-AbC123.js.gz'), gzipSync(script));

describe('web UI fallback', () => {
  const t = useTestApp({ COMMANDER_WEB_DIST: webDist });

  it('answers a deep link into the UI with index.html', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/w/default/clusters/some-id' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>Commander</title>');
  });

  it('keeps the JSON 404 for unknown API paths', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

describe('static files', () => {
  const t = useTestApp({ COMMANDER_WEB_DIST: webDist });
  const asset = '/assets/index-AbC123.js';

  it('serves a hashed asset as the pre-compressed brotli file, cached for good', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: asset,
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(res.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(script);
  });

  it('serves gzip to a client without brotli and the plain file to one without either', async () => {
    const gz = await t.app.inject({
      method: 'GET',
      url: asset,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(String(gz.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await t.app.inject({
      method: 'GET',
      url: asset,
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body).toBe(script);
  });

  it('revalidates index.html and unhashed files on every load', async () => {
    for (const url of ['/', '/index.html', '/color-scheme.js']) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'br' },
      });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('gives the compressed copies no routes of their own', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${asset}.br` });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toContain('text/html'); // the SPA fallback
  });
});
