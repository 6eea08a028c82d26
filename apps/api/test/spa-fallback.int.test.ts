import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

const webDist = mkdtempSync(path.join(tmpdir(), 'commander-web-'));
writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Commander</title>');

describe('web UI fallback', () => {
  const t = useTestApp({ COMMANDER_WEB_DIST: webDist });

  it('answers a deep link into the UI with index.html', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/w/default/clusters/some-id' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<title>Commander</title>');
  });

  it('keeps the JSON 404 for unknown API paths', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
