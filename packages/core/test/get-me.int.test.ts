import { hashToken } from '@commander/crypto';
import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AppError,
  bootstrapInstallation,
  getMe,
  grantsOf,
  principalFromSession,
  principalFromToken,
  resolveWorkspace,
  tokenWorkspace,
  type WorkspaceSlugCache,
} from '../src/index.js';

/** `getMe`, `resolveWorkspace` and `tokenWorkspace` called directly (the API's plugins adapt them). */
describe('the caller (getMe) and the workspace of a call', () => {
  let database: TestDatabase;
  let db: Db;
  let defaultId = '';
  let otherId = '';
  let adminId = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const boot = await bootstrapInstallation(db, {
      adminEmail: 'admin@me.test',
      adminPassword: 'me-test-password-1',
    });
    defaultId = boot.defaultWorkspaceId!;
    otherId = (await db.workspace.create({ data: { slug: 'other', name: 'Another' } })).id;
    adminId = (await db.user.findUniqueOrThrow({ where: { email: 'admin@me.test' } })).id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function workspaceToken(permissions: string[]): Promise<string> {
    const raw = `commander-test-${Math.random().toString(36).slice(2)}-token`;
    await db.authToken.create({
      data: {
        name: 'ws-token',
        tokenHash: hashToken(raw),
        prefix: raw.slice(0, 8),
        scope: 'READ',
        permissions,
        workspaceId: otherId,
      },
    });
    return raw;
  }

  it('describes a signed-in user: workspaces by name, global permissions once, the session CSRF token', async () => {
    const session = {
      sessionToken: `session-${Math.random().toString(36).slice(2)}-raw`,
      csrfToken: 'csrf-of-the-session',
      expiresAt: new Date(Date.now() + 3_600_000),
    };
    await db.session.create({
      data: {
        userId: adminId,
        tokenHash: hashToken(session.sessionToken),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
      },
    });
    const principal = await principalFromSession(db, session.sessionToken);
    const me = await getMe(db, {
      principal,
      grants: null,
      fresh: null,
      sessionCookie: session.sessionToken,
    });
    expect(me.kind).toBe('user');
    expect(me.user).toMatchObject({ id: adminId, email: 'admin@me.test', has_password: true });
    expect(me.token).toBeNull();
    expect(me.global_permissions).toContain('workspaces:write');
    // Every live workspace, by name; a permission held globally is not listed again per workspace.
    const names = me.workspaces.map((w) => w.name);
    expect(names).toEqual([...names].sort());
    expect(me.workspaces.map((w) => w.slug)).toEqual(expect.arrayContaining(['default', 'other']));
    for (const w of me.workspaces) {
      expect(w.permissions).toContain('clusters:write');
      expect(w.permissions.filter((p) => me.global_permissions.includes(p))).toEqual([]);
    }
    expect(me.csrf_token).toBe(session.csrfToken);
    expect(me.session_expires_at).toBe(session.expiresAt.toISOString());
  });

  it('answers sign-in with the fresh session before its cookie exists', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const me = await getMe(db, {
      principal: null,
      grants: null,
      fresh: { userId: adminId, csrfToken: 'fresh-csrf', expiresAt },
      sessionCookie: undefined,
    });
    expect(me.user?.id).toBe(adminId);
    expect(me.csrf_token).toBe('fresh-csrf');
    expect(me.session_expires_at).toBe(expiresAt.toISOString());
  });

  it('describes a workspace token: its workspace only, its permissions sorted, no CSRF token', async () => {
    const raw = await workspaceToken(['clusters:read', 'catalogs:read']);
    const principal = await principalFromToken(db, raw);
    const me = await getMe(db, {
      principal,
      grants: await grantsOf(db, principal!),
      fresh: null,
      sessionCookie: 'ignored-for-tokens',
    });
    expect(me.kind).toBe('auth_token');
    expect(me.token).toMatchObject({ name: 'ws-token', scope: 'read' });
    expect(me.token!.permissions).toEqual(['catalogs:read', 'clusters:read']);
    expect(me.workspaces.map((w) => w.slug)).toEqual(['other']);
    expect(me.workspaces[0]!.permissions).toEqual(['catalogs:read', 'clusters:read']);
    expect(me.global_permissions).toEqual([]);
    expect(me.csrf_token).toBeNull();
  });

  it('refuses to describe nobody', async () => {
    await expect(
      getMe(db, { principal: null, grants: null, fresh: null, sessionCookie: undefined }),
    ).rejects.toThrow(/authenticated/);
  });

  it('resolves the named workspace, else default; an unknown or archived name is not found', async () => {
    expect(await resolveWorkspace(db, 'other')).toEqual({ id: otherId, slug: 'other' });
    expect(await resolveWorkspace(db, null)).toEqual({ id: defaultId, slug: 'default' });
    expect(await resolveWorkspace(db, '')).toEqual({ id: defaultId, slug: 'default' });
    const missing = await resolveWorkspace(db, 'nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AppError);
    expect((missing as AppError).code).toBe('not_found');
    const archived = await db.workspace.create({
      data: { slug: 'gone', name: 'Gone', archivedAt: new Date() },
    });
    expect(archived.id).toBeTruthy();
    await expect(resolveWorkspace(db, 'gone')).rejects.toBeInstanceOf(AppError);
  });

  it('without a default workspace, an unnamed call is global (null)', async () => {
    const fresh = await createTestDatabase();
    try {
      expect(await resolveWorkspace(fresh.db, undefined)).toBeNull();
    } finally {
      await fresh.drop();
    }
  });

  it('uses the cache when it has the answer, and fills it when not', async () => {
    const stored = new Map<string, { id: string; slug: string } | null>();
    const cache: WorkspaceSlugCache = {
      generation: 7,
      workspaceBySlug: (slug) => stored.get(slug),
      setWorkspace: (slug, ws, generation) => {
        expect(generation).toBe(7);
        stored.set(slug, ws);
      },
    };
    expect(await resolveWorkspace(db, 'other', cache)).toEqual({ id: otherId, slug: 'other' });
    expect(stored.get('other')).toEqual({ id: otherId, slug: 'other' });
    stored.set('other', { id: defaultId, slug: 'other' });
    expect((await resolveWorkspace(db, 'other', cache))!.id).toBe(defaultId);
  });

  it("gives a workspace token's own workspace, and null for a global token", async () => {
    expect(await tokenWorkspace(db, otherId)).toEqual({ id: otherId, slug: 'other' });
    expect(await tokenWorkspace(db, null)).toBeNull();
  });
});
