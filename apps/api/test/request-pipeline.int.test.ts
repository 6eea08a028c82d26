import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createCluster, ensureAgentKey, type ServiceContext } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';

import { authPlugin } from '../src/plugins/auth.js';
import { useTestApp } from './helpers.js';

/** A JSON body of about `bytes` bytes. */
const bigJson = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });

describe('request pipeline', () => {
  const t = useTestApp();
  let cluster: { id: string; uuid: string };
  let agentKey = '';

  beforeAll(async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    cluster = await createCluster(ctx, {
      name: `pipeline-${t.suffix}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    agentKey = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
  });

  describe('routing', () => {
    it('a request that matches no route is 404, with or without credentials', async () => {
      for (const headers of [{}, t.headers()]) {
        for (const [method, url] of [
          ['GET', '/api/v1/no_such_thing'],
          ['POST', '/api/v1/no_such_thing'],
          ['DELETE', '/api/v1/users'],
          ['GET', '/api/v2/users'],
        ] as const) {
          const res = await t.app.inject({
            method,
            url,
            headers,
            ...(method === 'POST' ? { payload: { a: 1 } } : {}),
          });
          expect(res.statusCode, `${method} ${url}`).toBe(404);
          expect(res.json().error.code).toBe('not_found');
        }
      }
    });

    it('every route of the app declares its access kind', () => {
      const table = t.app.routeTable;
      expect(table.filter((r) => r.kind === 'undeclared')).toEqual([]);
      const kind = (method: string, url: string) =>
        table.find((r) => r.method === method && r.url === url)?.kind;
      expect(kind('GET', '/api/v1/users')).toBe('permission');
      expect(kind('GET', '/api/v1/auth/me')).toBe('authenticated');
      expect(kind('POST', '/api/v1/auth/login')).toBe('public');
      expect(kind('GET', '/healthz')).toBe('public');
      expect(kind('GET', '/documentation/json')).toBe('public');
      expect(kind('GET', '/metrics')).toBe('metrics');
      expect(kind('POST', '/agent_api/:cluster_uuid/telemetry')).toBe('agent');
      expect(kind('GET', '/agent_api/:cluster_uuid/resources')).toBe('agent');
    });

    async function startWith(config: Record<string, unknown> | undefined): Promise<void> {
      const app = Fastify();
      await app.register(cookie);
      await app.register(authPlugin, {
        db: t.db,
        encryptor: t.systemContext().encryptor,
        instance: t.systemContext().instance,
        auditSink: () => {},
      });
      app.get('/declared', { config: { public: true } }, async () => 'ok');
      app.get('/forgotten', config ? { config } : {}, async () => 'oops');
      try {
        await app.ready();
      } finally {
        await app.close();
      }
    }

    it('start-up refuses a route that declares no access kind, or several', async () => {
      await expect(startWith(undefined)).rejects.toThrow(/GET \/forgotten/);
      await expect(startWith({ rateLimit: { max: 1 } })).rejects.toThrow(/GET \/forgotten/);
      await expect(startWith({ public: true, permission: 'users:read' })).rejects.toThrow(
        /GET \/forgotten/,
      );
      await expect(startWith({ authenticated: true })).resolves.toBeUndefined();
    });
  });

  describe('security headers', () => {
    it('every response carries the CSP and the other headers; no HSTS over http', async () => {
      for (const [url, headers] of [
        ['/healthz', {}],
        ['/api/v1/users', {}],
        ['/api/v1/clusters', t.headers()],
        ['/api/v1/no_such_thing', {}],
        ['/documentation/json', {}],
      ] as const) {
        const res = await t.app.inject({ method: 'GET', url, headers });
        const csp = String(res.headers['content-security-policy']);
        expect(csp, url).toContain("script-src 'self'");
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("default-src 'self'");
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('the web app has no inline script (the CSP would block it)', () => {
      const html = readFileSync(path.join(import.meta.dirname, '../../web/index.html'), 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/\bsrc=/);
        expect(body!.trim()).toBe('');
      }
    });
  });

  describe('body limits and the order of checks', () => {
    it('an unauthenticated caller is refused before its body is read', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: { 'content-type': 'application/json' },
        payload: bigJson(4 * 1024 * 1024),
      });
      expect(res.statusCode).toBe(401);
    });

    it('public routes take at most 64 KiB', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: bigJson(70 * 1024),
        remoteAddress: '10.77.0.1',
      });
      expect(res.statusCode).toBe(413);
    });

    it('authenticated routes take up to 5 MiB', async () => {
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/v1/render',
        headers: { ...t.headers(), 'content-type': 'application/json' },
        payload: bigJson(4 * 1024 * 1024),
      });
      expect(ok.statusCode).toBe(400); // parsed, then refused by validation
      const tooBig = await t.app.inject({
        method: 'POST',
        url: '/api/v1/render',
        headers: { ...t.headers(), 'content-type': 'application/json' },
        payload: bigJson(5 * 1024 * 1024 + 10),
      });
      expect(tooBig.statusCode).toBe(413);
    });

    it('the agent API checks the agent key (401) before the body (400, 413)', async () => {
      const post = (path: string, payload: string, key?: string) =>
        t.app.inject({
          method: 'POST',
          url: `/agent_api/${cluster.uuid}${path}`,
          headers: {
            'content-type': 'application/json',
            ...(key ? { authorization: `Bearer ${key}` } : {}),
          },
          payload,
        });
      for (const path of ['/telemetry', '/resources/status']) {
        expect((await post(path, '{"nonsense":')).statusCode).toBe(401);
        expect((await post(path, '{"nonsense":1}')).statusCode).toBe(401);
        expect((await post(path, '{"nonsense":1}', 'cmdra_wrong')).statusCode).toBe(401);
        expect((await post(path, bigJson(6 * 1024 * 1024), 'cmdra_wrong')).statusCode).toBe(401);
        expect((await post(path, '{"nonsense":1}', agentKey)).statusCode).toBe(400);
        expect((await post(path, bigJson(6 * 1024 * 1024), agentKey)).statusCode).toBe(413);
      }
      // telemetry is capped lower than results
      expect((await post('/telemetry', bigJson(3 * 1024 * 1024), agentKey)).statusCode).toBe(413);
      expect((await post('/resources/status', bigJson(3 * 1024 * 1024), agentKey)).statusCode).toBe(
        400,
      );
      const badUuid = await t.app.inject({
        method: 'POST',
        url: '/agent_api/not-a-uuid/telemetry',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentKey}` },
        payload: '{}',
      });
      expect(badUuid.statusCode).toBe(401);
    });
  });

  describe('/metrics', () => {
    it('is refused without a credential, and to a caller without global workspaces:read', async () => {
      const anonymous = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.body).not.toContain('commander_clusters');
      const wsRead = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
      const res = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: t.headers(wsRead),
      });
      expect(res.statusCode).toBe(403);
      const wrong = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${'x'.repeat(40)}` },
      });
      expect(wrong.statusCode).toBe(401);
    });

    it('answers a credential with global workspaces:read', async () => {
      const globalRead = await t.issueToken({ workspaceId: null, scope: 'read' });
      const res = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: t.headers(globalRead),
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('commander_clusters');
    });
  });
});

describe('/metrics with COMMANDER_METRICS_TOKEN', () => {
  const metricsToken = randomBytes(24).toString('hex');
  const t = useTestApp({ COMMANDER_METRICS_TOKEN: metricsToken });

  it('answers the metrics token as a bearer, and nothing else without credentials', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('process_resident_memory_bytes');
    const near = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${metricsToken.slice(0, -1)}x` },
    });
    expect(near.statusCode).toBe(401);
    // the metrics token opens nothing else
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(other.statusCode).toBe(401);
  });

  it('refuses to start with a metrics token shorter than 32 characters', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://x/y', COMMANDER_METRICS_TOKEN: 'short-token' }),
    ).toThrow(/COMMANDER_METRICS_TOKEN/);
  });
});

describe('the web app behind the API', () => {
  const webDist = mkdtempSync(path.join(tmpdir(), 'commander-web-'));
  writeFileSync(
    path.join(webDist, 'index.html'),
    '<!doctype html><html><head><script src="/color-scheme.js"></script></head><body>spa</body></html>',
  );
  writeFileSync(path.join(webDist, 'color-scheme.js'), 'void 0;');
  const t = useTestApp({ COMMANDER_WEB_DIST: webDist });

  it('serves index.html for every page path (the SPA routes), with the CSP', async () => {
    for (const url of ['/', '/w/default/clusters', '/login?next=%2Fw', '/w/default/clusters/x/']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.body, url).toContain('spa');
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
    const script = await t.app.inject({ method: 'GET', url: '/color-scheme.js' });
    expect(script.statusCode).toBe(200);
  });

  it('keeps the JSON 404 for API paths, encoded or not, and for other methods', async () => {
    for (const url of [
      '/api/v1/nope',
      '/%61pi/v1/nope',
      '/agent_api/x/nope',
      '/documentation/nope',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
    }
    const post = await t.app.inject({ method: 'POST', url: '/w/default/clusters', payload: {} });
    expect(post.statusCode).toBe(404);
  });
});

describe('/metrics with COMMANDER_METRICS_PUBLIC=true', () => {
  const t = useTestApp({ COMMANDER_METRICS_PUBLIC: 'true' });

  it('answers without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
  });
});

describe('security headers with an https public URL', () => {
  const t = useTestApp({ COMMANDER_PUBLIC_URL: 'https://commander.example' });

  it('sends HSTS', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
