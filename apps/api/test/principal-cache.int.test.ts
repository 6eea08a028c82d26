import { grantsOf, principalFromToken } from '@commander/core';
import { createEncryptor, generateEncryptionKeys, hashToken } from '@commander/crypto';
import { createDb, type Db, poolOf } from '@commander/db';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { PrincipalCache } from '../src/plugins/principal-cache.js';
import { useTestApp } from './helpers.js';

/**
 * Principals come from each API process's cache; every revocation, disablement, role or
 * binding change is seen by the very next request, on this process and on another one sharing
 * the database (PostgreSQL NOTIFY from triggers).
 */
describe('principal cache: immediate invalidation, also across two API processes', () => {
  const t = useTestApp();
  const g = () => t.headers(t.globalToken);
  let other: FastifyInstance;
  let otherDb: Db;

  beforeAll(async () => {
    otherDb = createDb(t.database.url, { poolSize: 2, applicationName: 'commander-test-b' });
    other = await buildApp(
      loadConfig({
        DATABASE_URL: t.database.url,
        LOG_LEVEL: 'silent',
        COMMANDER_WEB_DIST: '/nonexistent',
      }),
      {
        db: otherDb,
        encryptor: createEncryptor(generateEncryptionKeys()),
        instance: {
          publicHost: 'commander.test',
          publicUrl: 'http://commander.test',
          caBundle: '',
          commanderUuid: '00000000-0000-4000-8000-000000000001',
        },
        auditSink: () => undefined,
      },
    );
  });
  afterAll(async () => {
    await other?.close();
    await otherDb?.$disconnect();
  });

  const list = async (app: FastifyInstance, headers: Record<string, string>) =>
    (await app.inject({ method: 'GET', url: '/api/v1/clusters', headers })).statusCode;

  async function tokenId(token: string): Promise<string> {
    return (await t.db.authToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })).id;
  }

  it('a revoked token is refused at once by the process that revoked it, and by another one as soon as the notification arrives', async () => {
    const token = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    // Warm both caches (twice: the second answer comes from the cache).
    for (const app of [t.app, other, t.app, other]) {
      expect(await list(app, t.headers(token))).toBe(200);
    }
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth_tokens/${await tokenId(token)}`,
      headers: g(),
    });
    expect(revoke.statusCode).toBeLessThan(300);
    expect(await list(t.app, t.headers(token))).toBe(401);
    // The other process learns of it from PostgreSQL's NOTIFY, delivered asynchronously after
    // the commit: poll for it (a request racing the delivery may still pass), then it stays
    // refused.
    await expect.poll(() => list(other, t.headers(token))).toBe(401);
    expect(await list(other, t.headers(token))).toBe(401);
    expect(await list(t.app, t.headers(token))).toBe(401);
  });

  it('a change made outside any API process (SQL) reaches both caches', async () => {
    const token = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    for (const app of [t.app, other, t.app, other]) {
      expect(await list(app, t.headers(token))).toBe(200);
    }
    await t.db.authToken.update({
      where: { id: await tokenId(token) },
      data: { revokedAt: new Date() },
    });
    // The notification is delivered after the commit; a request racing it may still pass, so
    // wait for its delivery by polling (not sleeping), then every request is refused.
    await expect.poll(() => list(other, t.headers(token))).toBe(401);
    await expect.poll(() => list(t.app, t.headers(token))).toBe(401);
  });

  async function signIn(email: string, password: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: `10.7.${Math.floor(Math.random() * 200)}.1`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return {
      cookie: String(res.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': res.json().csrf_token as string,
    };
  }

  it('a role binding removed or a user disabled takes effect on the next request everywhere', async () => {
    const user = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: g(),
      payload: { email: 'cache@example.com', name: 'Cache', password: 'cache-password-123' },
    });
    expect(user.statusCode).toBe(201);
    const roles = (
      await t.app.inject({ method: 'GET', url: '/api/v1/roles?scope=workspace', headers: g() })
    ).json<{ id: string; name: string }[]>();
    const viewer = roles.find((r) => r.name === 'viewer')!;
    const bind = async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/workspace_role_bindings',
        headers: g(),
        payload: {
          user_id: user.json().id,
          role_id: viewer.id,
          workspace_id: t.defaultWorkspaceId,
        },
      });
      expect(res.statusCode).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const bindingId = await bind();
    const session = await signIn('cache@example.com', 'cache-password-123');
    for (const app of [t.app, other, t.app, other]) {
      expect(await list(app, session)).toBe(200);
    }
    const unbind = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspace_role_bindings/${bindingId}`,
      headers: g(),
    });
    expect(unbind.statusCode).toBeLessThan(300);
    // This process at once; the other one as soon as PostgreSQL's NOTIFY (sent at the commit,
    // delivered asynchronously) arrives, as in the tests above: poll for it, then it stays.
    expect(await list(t.app, session)).toBe(403);
    await expect.poll(() => list(other, session)).toBe(403);
    expect(await list(other, session)).toBe(403);

    await bind();
    expect(await list(t.app, session)).toBe(200);
    await expect.poll(() => list(other, session)).toBe(200);
    for (const app of [t.app, other, t.app, other]) {
      expect(await list(app, session)).toBe(200);
    }
    const disabled = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${user.json().id}`,
      headers: g(),
      payload: { is_disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expect(await list(t.app, session)).toBe(401);
    await expect.poll(() => list(other, session)).toBe(401);
    expect(await list(other, session)).toBe(401);
  });

  it('writes the last use of cached credentials in one batch, at the latest at close', async () => {
    const token = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const principal = await principalFromToken(t.db, token);
    expect(principal?.kind).toBe('auth_token');
    const id = principal!.kind === 'auth_token' ? principal!.token.id : '';
    const old = new Date(Date.now() - 3_600_000);
    await t.db.$executeRaw`UPDATE auth_tokens SET last_used_at = ${old} WHERE id = ${id}::uuid`;
    if (principal!.kind === 'auth_token') {
      principal!.token.lastUsedAt = old;
    }
    const cache = new PrincipalCache({
      databaseUrl: t.database.url,
      pool: poolOf(t.db),
      ttlMs: 60_000,
      flushEveryMs: 3_600_000, // only the close flushes here
      warn: () => undefined,
    });
    await cache.start();
    expect(cache.listening).toBe(true);
    const key = cache.key('token', token);
    cache.set(
      key,
      { principal: principal!, grants: await grantsOf(t.db, principal!), workspace: null },
      cache.generation,
    );
    expect(cache.get(key)).not.toBeNull();
    expect(cache.get(key)).not.toBeNull();
    const before = await t.db.authToken.findUniqueOrThrow({ where: { id } });
    expect(before.lastUsedAt!.getTime()).toBe(old.getTime());
    await cache.close();
    expect(cache.get(key)).toBeNull();
    const after = await t.db.authToken.findUniqueOrThrow({ where: { id } });
    expect(after.lastUsedAt!.getTime()).toBeGreaterThan(old.getTime());
  });

  it('an entry read before a notification arrived is not stored', async () => {
    const cache = new PrincipalCache({
      databaseUrl: t.database.url,
      pool: poolOf(t.db),
      ttlMs: 60_000,
      flushEveryMs: 3_600_000,
      warn: () => undefined,
    });
    await cache.start();
    const token = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const generation = cache.generation;
    const principal = (await principalFromToken(t.db, token))!;
    // A change committed meanwhile (its NOTIFY empties the cache and moves the generation).
    await t.db.workspace.update({
      where: { id: t.defaultWorkspaceId },
      data: { archivedAt: null },
    });
    await expect.poll(() => cache.generation).not.toBe(generation);
    const key = cache.key('token', token);
    cache.set(
      key,
      { principal, grants: await grantsOf(t.db, principal), workspace: null },
      generation,
    );
    expect(cache.get(key)).toBeNull();
    await cache.close();
  });
});
