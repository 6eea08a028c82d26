import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/**
 * A token carries at most its issuer's permissions, now and later: the reproduction of the
 * escalation (a member with workspace_tokens:write and clusters:read minted an admin token),
 * the issuer's lifetime (disabled, deleted, unbound) and escalation through bindings.
 */
describe('token rights', () => {
  const t = useTestApp();
  const g = () => t.headers(t.globalToken);
  const password = 'token-rights-password-1';

  async function inject(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ) {
    return t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  async function role(scope: 'global' | 'workspace', permissions: string[]): Promise<string> {
    const res = await inject('POST', '/roles', g(), {
      name: `r-${randomUUID().slice(0, 8)}`,
      scope,
      permissions,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  /** A user bound to `roleId` (in the default workspace for workspace roles), signed in. */
  async function member(roleId: string, scope: 'global' | 'workspace') {
    const email = `u-${randomUUID().slice(0, 8)}@tokens.test`;
    const user = await inject('POST', '/users', g(), { email, name: email, password });
    expect(user.statusCode, user.body).toBe(201);
    const binding = await inject('POST', '/role_bindings', g(), {
      user_id: user.json().id,
      role_id: roleId,
      workspace_id: scope === 'workspace' ? t.defaultWorkspaceId : null,
    });
    expect(binding.statusCode, binding.body).toBe(201);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });
    expect(login.statusCode, login.body).toBe(200);
    const session = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': login.json().csrf_token as string,
    };
    return { id: user.json().id as string, bindingId: binding.json().id as string, session };
  }

  async function mint(
    headers: Record<string, string>,
    body: { scope: 'read' | 'write'; workspace_id?: string | null },
  ) {
    const res = await inject('POST', '/auth_tokens', headers, { name: 'minted', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; token: string; permissions: string[] }>();
  }

  const someCluster = () => `/clusters/${randomUUID()}`;

  it('a workspace token carries only its issuer’s permissions: no secrets, no members', async () => {
    const minter = await member(
      await role('workspace', ['workspace_tokens:write', 'clusters:read']),
      'workspace',
    );
    const minted = await mint(minter.session, { scope: 'write' });
    expect(minted.permissions).toEqual([
      'clusters:read',
      'workspace_tokens:read',
      'workspace_tokens:write',
    ]);
    const h = t.headers(minted.token);
    expect((await inject('GET', '/clusters', h)).statusCode).toBe(200);
    // The reveal check comes before the lookup: 403 for this token, 404 for a full one.
    expect((await inject('GET', `${someCluster()}?reveal=true`, h)).statusCode).toBe(403);
    expect((await inject('GET', `${someCluster()}?reveal=true`, t.headers())).statusCode).toBe(404);
    const viewerRole = (await inject('GET', '/roles?scope=workspace', g()))
      .json()
      .find((r: { name: string }) => r.name === 'viewer').id as string;
    const bind = await inject('POST', '/role_bindings', h, {
      user_id: minter.id,
      role_id: viewerRole,
      workspace_id: t.defaultWorkspaceId,
    });
    expect(bind.statusCode).toBe(403);
    expect((await inject('GET', '/role_bindings', h)).statusCode).toBe(403);
    expect((await inject('POST', '/clusters', h, {})).statusCode).toBe(403);

    // /auth/me shows the fixed permissions and the effective ones.
    const me = (await inject('GET', '/auth/me', h)).json();
    expect(me.token.permissions).toEqual(minted.permissions);
    expect(me.workspaces).toEqual([
      expect.objectContaining({ id: t.defaultWorkspaceId, permissions: minted.permissions }),
    ]);
    expect(me.global_permissions).toEqual([]);

    // The token list shows them too.
    const listed = (await inject('GET', '/auth_tokens', h)).json<
      { id: string; permissions: string[] }[]
    >();
    expect(listed.find((x) => x.id === minted.id)?.permissions).toEqual(minted.permissions);
  });

  it('a global token carries only its issuer’s global permissions', async () => {
    const minter = await member(
      await role('global', ['global_tokens:write', 'users:read']),
      'global',
    );
    const minted = await mint(minter.session, { scope: 'write', workspace_id: null });
    expect(minted.permissions).toEqual(['global_tokens:read', 'global_tokens:write', 'users:read']);
    const h = t.headers(minted.token);
    expect((await inject('GET', '/users', h)).statusCode).toBe(200);
    expect(
      (await inject('POST', '/users', h, { email: 'x@y.test', name: 'x', password })).statusCode,
    ).toBe(403);
    expect((await inject('GET', '/roles', h)).statusCode).toBe(403);
    // Nor can it issue a workspace token with rights its issuer does not hold there.
    const ws = await inject('POST', '/auth_tokens', h, {
      name: 'ws',
      scope: 'write',
      workspace_id: t.defaultWorkspaceId,
    });
    expect(ws.statusCode).toBe(403);
  });

  it('disabling the issuer suspends its tokens (and theirs); re-enabling restores them', async () => {
    const minter = await member(
      await role('workspace', ['workspace_tokens:write', 'clusters:read']),
      'workspace',
    );
    const first = await mint(minter.session, { scope: 'write' });
    const second = await mint(t.headers(first.token), { scope: 'read' });
    expect(second.permissions).toEqual(['clusters:read', 'workspace_tokens:read']);
    for (const tok of [first, second]) {
      expect((await inject('GET', '/clusters', t.headers(tok.token))).statusCode).toBe(200);
    }
    expect(
      (await inject('PUT', `/users/${minter.id}`, g(), { is_disabled: true })).statusCode,
    ).toBe(200);
    for (const tok of [first, second]) {
      expect((await inject('GET', '/clusters', t.headers(tok.token))).statusCode).toBe(401);
    }
    expect(
      (await inject('PUT', `/users/${minter.id}`, g(), { is_disabled: false })).statusCode,
    ).toBe(200);
    for (const tok of [first, second]) {
      expect((await inject('GET', '/clusters', t.headers(tok.token))).statusCode).toBe(200);
    }
    // Revoking the issuing token stops the tokens it issued.
    expect((await inject('DELETE', `/auth_tokens/${first.id}`, t.headers())).statusCode).toBe(200);
    expect((await inject('GET', '/clusters', t.headers(second.token))).statusCode).toBe(401);
  });

  it('deleting the issuer revokes its tokens for good', async () => {
    const minter = await member(
      await role('workspace', ['workspace_tokens:write', 'clusters:read']),
      'workspace',
    );
    const first = await mint(minter.session, { scope: 'write' });
    const second = await mint(t.headers(first.token), { scope: 'read' });
    expect((await inject('DELETE', `/users/${minter.id}`, g())).statusCode).toBe(204);
    for (const tok of [first, second]) {
      expect((await inject('GET', '/clusters', t.headers(tok.token))).statusCode).toBe(401);
    }
    const rows = await t.db.authToken.findMany({ where: { id: { in: [first.id, second.id] } } });
    expect(rows.map((r) => r.revokedAt !== null)).toEqual([true, true]);
  });

  it('an issuer who loses a right takes it from their tokens', async () => {
    const minter = await member(
      await role('workspace', ['workspace_tokens:write', 'clusters:read']),
      'workspace',
    );
    const minted = await mint(minter.session, { scope: 'write' });
    const h = t.headers(minted.token);
    expect((await inject('GET', '/clusters', h)).statusCode).toBe(200);
    expect((await inject('DELETE', `/role_bindings/${minter.bindingId}`, g())).statusCode).toBe(
      204,
    );
    expect((await inject('GET', '/clusters', h)).statusCode).toBe(403);
    const me = (await inject('GET', '/auth/me', h)).json();
    expect(me.token.permissions).toEqual(minted.permissions);
    expect(me.workspaces).toEqual([]);
  });

  it('a member cannot bind a role with permissions they do not hold (workspace and global)', async () => {
    const manager = await member(
      await role('workspace', ['workspace_members:write', 'clusters:read']),
      'workspace',
    );
    const other = await inject('POST', '/users', g(), {
      email: `o-${randomUUID().slice(0, 8)}@tokens.test`,
      name: 'other',
      password,
    });
    const roles = (await inject('GET', '/roles', g())).json<
      { id: string; name: string; scope: string }[]
    >();
    const wsAdmin = roles.find((r) => r.scope === 'workspace' && r.name === 'admin')!.id;
    const escalate = await inject('POST', '/role_bindings', manager.session, {
      user_id: other.json().id,
      role_id: wsAdmin,
      workspace_id: t.defaultWorkspaceId,
    });
    expect(escalate.statusCode, escalate.body).toBe(403);
    expect(escalate.body).toContain('clusters:secrets:read');
    const allowed = await inject('POST', '/role_bindings', manager.session, {
      user_id: other.json().id,
      role_id: await role('workspace', ['clusters:read']),
      workspace_id: t.defaultWorkspaceId,
    });
    expect(allowed.statusCode, allowed.body).toBe(201);
    // Nor move an existing binding to a bigger role.
    const upgrade = await inject('PUT', `/role_bindings/${allowed.json().id}`, manager.session, {
      role_id: wsAdmin,
    });
    expect(upgrade.statusCode).toBe(403);

    const globalManager = await member(
      await role('global', ['role_bindings:write', 'users:read']),
      'global',
    );
    const globalAdmin = roles.find((r) => r.scope === 'global' && r.name === 'admin')!.id;
    const toAdmin = await inject('POST', '/role_bindings', globalManager.session, {
      user_id: other.json().id,
      role_id: globalAdmin,
    });
    expect(toAdmin.statusCode).toBe(403);
    const self = await inject('POST', '/role_bindings', globalManager.session, {
      user_id: globalManager.id,
      role_id: globalAdmin,
    });
    expect(self.statusCode).toBe(403);
  });
});
