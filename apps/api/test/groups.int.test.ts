import { login, type ServiceContext } from '@commander/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/** Local groups: CRUD, members, bindings to a group, and what members get from them. */
describe('groups', () => {
  const t = useTestApp();

  async function as(token: string, method: string, url: string, payload?: Record<string, unknown>) {
    return t.app.inject({
      method: method as 'GET',
      url,
      headers: t.headers(token),
      ...(payload === undefined ? {} : { payload: payload }),
    });
  }

  async function signIn(email: string, password: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: `10.7.${Math.floor(Math.random() * 250)}.1`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return String(res.headers['set-cookie']).split(';')[0]!;
  }

  it('a local group grants its workspace role to its members, and stops when they leave', async () => {
    const g = t.globalToken;
    const user = await as(g, 'POST', '/api/v1/users', {
      email: `member-${t.suffix}@example.com`,
      name: 'Member',
      password: 'a long enough password',
    });
    expect(user.statusCode, user.body).toBe(201);
    const userId = user.json<{ id: string }>().id;
    const group = await as(g, 'POST', '/api/v1/groups', {
      name: 'Cluster operators',
      description: 'People who run clusters',
    });
    expect(group.statusCode, group.body).toBe(201);
    expect(group.json()).toMatchObject({ provider: 'local', is_local: true, member_count: 0 });
    const groupId = group.json<{ id: string }>().id;
    expect(
      (await as(g, 'POST', '/api/v1/groups', { name: 'Cluster operators' })).json().error.code,
    ).toBe('name_taken');

    const roles = (await as(g, 'GET', '/api/v1/roles?scope=workspace')).json<
      { id: string; name: string }[]
    >();
    const viewer = roles.find((r) => r.name === 'viewer')!;
    const bound = await as(g, 'POST', '/api/v1/role_bindings', {
      group_id: groupId,
      role_id: viewer.id,
      workspace_id: t.defaultWorkspaceId,
    });
    expect(bound.statusCode, bound.body).toBe(201);
    // Exactly one subject.
    const both = await as(g, 'POST', '/api/v1/role_bindings', {
      group_id: groupId,
      user_id: userId,
      role_id: viewer.id,
      workspace_id: t.defaultWorkspaceId,
    });
    expect(both.statusCode).toBe(400);
    const neither = await as(g, 'POST', '/api/v1/role_bindings', {
      role_id: viewer.id,
      workspace_id: t.defaultWorkspaceId,
    });
    expect(neither.statusCode).toBe(400);

    const cookie = await signIn(`member-${t.suffix}@example.com`, 'a long enough password');
    const clusters = async () =>
      (
        await t.app.inject({
          url: '/api/v1/clusters',
          headers: { cookie, 'x-workspace': 'default' },
        })
      ).statusCode;
    expect(await clusters()).toBe(403);

    const added = await as(g, 'POST', `/api/v1/groups/${groupId}/members`, { user_id: userId });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toEqual([
      expect.objectContaining({ user_id: userId, email: `member-${t.suffix}@example.com` }),
    ]);
    expect(
      (await as(g, 'POST', `/api/v1/groups/${groupId}/members`, { user_id: userId })).statusCode,
    ).toBe(409);
    expect(await clusters()).toBe(200);

    const effective = await as(g, 'GET', `/api/v1/users/${userId}/effective_bindings`);
    expect(effective.json()).toEqual([
      expect.objectContaining({
        role_name: 'viewer',
        via: 'group',
        group_name: 'Cluster operators',
      }),
    ]);
    const listed = await as(g, 'GET', `/api/v1/role_bindings?group_id=${groupId}`);
    expect(listed.json()).toHaveLength(1);

    const removed = await as(g, 'DELETE', `/api/v1/groups/${groupId}/members/${userId}`);
    expect(removed.statusCode).toBe(204);
    expect(await clusters()).toBe(403);

    // Audited.
    const actions = (
      await t.db.auditEvent.findMany({ where: { auditableId: groupId }, orderBy: { ts: 'asc' } })
    ).map((e) => e.action);
    expect(actions).toEqual(['create', 'add_member', 'remove_member']);

    // Deleting the group removes its bindings.
    expect((await as(g, 'DELETE', `/api/v1/groups/${groupId}`)).statusCode).toBe(204);
    expect(await t.db.roleBinding.count({ where: { groupId } })).toBe(0);
  });

  it('an IdP group is listed, but its members are not edited here', async () => {
    const g = t.globalToken;
    const group = await as(g, 'POST', '/api/v1/groups', { name: 'idp-team', provider: 'corp' });
    expect(group.statusCode).toBe(201);
    expect(group.json()).toMatchObject({ is_local: false, provider: 'corp' });
    const groupId = group.json<{ id: string }>().id;
    const someone = await t.db.user.findFirstOrThrow();
    const add = await as(g, 'POST', `/api/v1/groups/${groupId}/members`, { user_id: someone.id });
    expect(add.statusCode).toBe(409);
    const rename = await as(g, 'PUT', `/api/v1/groups/${groupId}`, { name: 'other' });
    expect(rename.statusCode).toBe(409);
    const describe = await as(g, 'PUT', `/api/v1/groups/${groupId}`, { description: 'From Corp' });
    expect(describe.statusCode).toBe(200);
    const list = await as(g, 'GET', '/api/v1/groups?provider=corp');
    expect(list.json<{ name: string }[]>().map((x) => x.name)).toEqual(['idp-team']);
  });

  it('refuses callers without users permissions, and unknown groups', async () => {
    const reader = await t.issueToken({ workspaceId: null, scope: 'read' });
    const workspace = await t.issueToken({ workspaceId: t.defaultWorkspaceId });
    expect((await as(reader, 'GET', '/api/v1/groups')).statusCode).toBe(200);
    expect((await as(reader, 'POST', '/api/v1/groups', { name: 'x' })).statusCode).toBe(403);
    expect((await as(workspace, 'GET', '/api/v1/groups')).statusCode).toBe(403);
    const none = await t.app.inject({ url: '/api/v1/groups' });
    expect(none.statusCode).toBe(401);
    const missing = await as(t.globalToken, 'GET', `/api/v1/groups/${crypto.randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    const bad = await as(t.globalToken, 'POST', '/api/v1/groups', { name: '   ' });
    expect(bad.statusCode).toBe(400);
  });

  it('membership changes notify commander_auth (every API process drops its cached principals)', async () => {
    const listener = new pg.Client({ connectionString: t.database.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN commander_auth');
    try {
      const group = await as(t.globalToken, 'POST', '/api/v1/groups', { name: `n-${t.suffix}` });
      const groupId = group.json<{ id: string }>().id;
      const admin = await t.db.user.findFirstOrThrow({ where: { email: t.adminEmail } });
      await as(t.globalToken, 'POST', `/api/v1/groups/${groupId}/members`, { user_id: admin.id });
      await expect.poll(() => heard).toContain('group_members');
      heard.length = 0;
      await as(t.globalToken, 'DELETE', `/api/v1/groups/${groupId}`);
      await expect.poll(() => heard).toContain('groups');
    } finally {
      await listener.end();
    }
  });

  it('COMMANDER_LOCAL_LOGIN=off refuses every password sign-in', async () => {
    const ctx: ServiceContext = t.systemContext();
    await expect(
      login(ctx, { email: t.adminEmail, password: t.adminPassword, localLogin: 'off' }),
    ).rejects.toMatchObject({ code: 'local_login_disabled' });
    const ok = await login(ctx, {
      email: t.adminEmail,
      password: t.adminPassword,
      localLogin: 'admin-only',
    });
    expect(ok.user.email).toBe(t.adminEmail);
  });
});
