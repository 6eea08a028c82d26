import { Writable } from 'node:stream';

import { createTestTemplate } from '@commander/core/testing';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

const SECRET = 'hunter2-but-longer-and-secret';

describe('sessions, rate limits and secrets', () => {
  const t = useTestApp({ LOGIN_RATE_LIMIT: '5' });

  it('signs in with a session cookie; writes need the CSRF token; sign-out ends the session', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: 'wrong' },
      remoteAddress: '10.1.1.1',
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('unauthorized');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: t.adminPassword },
      remoteAddress: '10.1.1.1',
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const csrf = login.json().csrf_token as string;
    expect(login.json().global_permissions).toContain('workspaces:write');

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({
      kind: 'user',
      user: { email: t.adminEmail },
      csrf_token: csrf,
    });
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie },
      payload: { name: 'X', slug: 'x-ws' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const withCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { name: 'X', slug: 'x-ws' },
    });
    expect(withCsrf.statusCode).toBe(201);

    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('session_expired');
  });

  it('an expired session is refused', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: t.adminPassword },
      remoteAddress: '10.1.1.2',
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    await t.db.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('rate-limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: t.adminEmail, password: 'nope' },
        remoteAddress: '10.2.2.2',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: t.adminPassword },
      remoteAddress: '10.2.2.2',
    });
    expect(limited.json().error.code).toBe('rate_limited');
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: t.adminPassword },
      remoteAddress: '10.3.3.3',
    });
    expect(other.statusCode).toBe(200);
  });

  it('revoked and expired tokens stop working; token values are shown once and stored hashed', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth_tokens',
      headers: t.headers(t.globalToken),
      payload: { name: 'short-lived', workspace_id: t.defaultWorkspaceId, scope: 'read' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token, prefix } = created.json();
    expect(token.startsWith(prefix)).toBe(true);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: t.headers(token) }))
        .statusCode,
    ).toBe(200);
    const row = await t.db.authToken.findUniqueOrThrow({ where: { id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain(token);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth_tokens',
      headers: t.headers(t.globalToken),
    });
    expect(list.body).not.toContain(token);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth_tokens/${id}`,
      headers: t.headers(t.globalToken),
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: t.headers(token) }))
        .statusCode,
    ).toBe(401);
    const past = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth_tokens',
      headers: t.headers(t.globalToken),
      payload: { name: 'past', expires_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(400);
    const soon = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth_tokens',
      headers: t.headers(t.globalToken),
      payload: {
        name: 'soon',
        workspace_id: t.defaultWorkspaceId,
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    await t.db.authToken.update({
      where: { id: soon.json().id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/clusters',
          headers: t.headers(soon.json().token),
        })
      ).statusCode,
    ).toBe(401);
  });

  it('a password value appears in no response, audit record or log line', async () => {
    const lines: string[] = [];
    const { buildApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const encryptor = createEncryptor(generateEncryptionKeys());
    const config = loadConfig({
      DATABASE_URL: t.database.url,
      LOG_LEVEL: 'trace',
      COMMANDER_WEB_DIST: '/nonexistent',
    });
    const app = await buildApp(config, {
      db: t.db,
      encryptor,
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: '11111111-1111-4111-8111-111111111111',
      },
      auditSink: (line) => lines.push(JSON.stringify(line)),
      logStream: sink,
    });
    try {
      const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
      const token = await t.issueToken({ workspaceId: t.defaultWorkspaceId });
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: { 'x-auth-token': token },
        payload: {
          name: 'leaky',
          cluster_template_version_id: versionId,
          values: { adminPassword: SECRET },
        },
      });
      expect(created.statusCode).toBe(201);
      expect(created.body).not.toContain(SECRET);
      const read = await app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${created.json().id}`,
        headers: { 'x-auth-token': token },
      });
      expect(read.body).not.toContain(SECRET);
      const put = await app.inject({
        method: 'PUT',
        url: `/api/v1/clusters/${created.json().id}`,
        headers: { 'x-auth-token': token },
        payload: {
          name: 'leaky',
          cluster_template_version_id: versionId,
          values: { adminPassword: `${SECRET}-2` },
        },
      });
      expect(put.statusCode).toBe(200);
      const audit = await t.db.auditEvent.findMany({ where: { auditableId: created.json().id } });
      expect(audit.length).toBeGreaterThan(0);
      expect(
        JSON.stringify(audit, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      ).not.toContain(SECRET);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain(SECRET);
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await app.close();
    }
  });
});
