import { recordAudit } from '@commander/core';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

describe('users, roles, bindings, workspaces and audit', () => {
  const t = useTestApp();
  const g = () => t.headers(t.globalToken);

  async function signIn(email: string, password: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: `10.5.${Math.floor(Math.random() * 200)}.1`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return {
      cookie: String(res.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': res.json().csrf_token as string,
    };
  }

  it('a user bound to a workspace viewer role reads but cannot write; disabling ends the session', async () => {
    const user = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: g(),
      payload: { email: 'Vera@Example.com', name: 'Vera', password: 'vera-password-123' },
    });
    expect(user.statusCode).toBe(201);
    expect(user.json().email).toBe('vera@example.com');
    const short = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: g(),
      payload: { email: 'x@example.com', name: 'X', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    const roles = (
      await t.app.inject({ method: 'GET', url: '/api/v1/roles?scope=workspace', headers: g() })
    ).json();
    const viewer = roles.find((r: { name: string }) => r.name === 'viewer');
    const binding = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspace_role_bindings',
      headers: g(),
      payload: { user_id: user.json().id, role_id: viewer.id, workspace_id: t.defaultWorkspaceId },
    });
    expect(binding.statusCode).toBe(201);
    const session = await signIn('vera@example.com', 'vera-password-123');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: session })).statusCode,
    ).toBe(200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/catalogs',
      headers: session,
      payload: { name: 'n', slug: 'n' },
    });
    expect(write.statusCode).toBe(403);
    const me = (
      await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session })
    ).json();
    expect(me.workspaces.map((w: { slug: string }) => w.slug)).toEqual(['default']);
    expect(me.workspaces[0].permissions).toContain('clusters:read');
    expect(me.workspaces[0].permissions).not.toContain('clusters:write');

    const disabled = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${user.json().id}`,
      headers: g(),
      payload: { is_disabled: true },
    });
    expect(disabled.json().is_disabled).toBe(true);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: session })).statusCode,
    ).toBe(401);
    const relogin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'vera@example.com', password: 'vera-password-123' },
      remoteAddress: '10.6.6.6',
    });
    expect(relogin.statusCode).toBe(401);
  });

  it('the last administrator can be neither disabled nor unbound', async () => {
    const admin = (await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: g() }))
      .json()
      .find((u: { email: string }) => u.email === t.adminEmail);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${admin.id}`,
      headers: g(),
      payload: { is_disabled: true },
    });
    expect(res.statusCode).toBe(409);
    const bindings = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/role_bindings?user_id=${admin.id}`,
        headers: g(),
      })
    ).json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/role_bindings/${bindings[0].id}`,
      headers: g(),
    });
    expect(del.statusCode).toBe(409);
  });

  it('custom roles: known permissions only; built-ins are fixed; a bound role cannot be deleted', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: g(),
      payload: { name: 'weird', scope: 'workspace', permissions: ['clusters:explode'] },
    });
    expect(bad.statusCode).toBe(400);
    const role = await t.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: g(),
      payload: { name: 'cluster-reader', scope: 'workspace', permissions: ['clusters:read'] },
    });
    expect(role.statusCode).toBe(201);
    const builtIn = (
      await t.app.inject({ method: 'GET', url: '/api/v1/global_roles', headers: g() })
    ).json()[0];
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/api/v1/roles/${builtIn.id}`,
          headers: g(),
          payload: { permissions: ['users:read'] },
        })
      ).statusCode,
    ).toBe(409);
    const user = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: g(),
      payload: { email: 'rita@example.com', name: 'Rita', password: 'rita-password-123' },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/role_bindings',
      headers: g(),
      payload: {
        user_id: user.json().id,
        role_id: role.json().id,
        workspace_id: t.defaultWorkspaceId,
      },
    });
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/roles/${role.json().id}`,
          headers: g(),
        })
      ).statusCode,
    ).toBe(409);
  });

  it('workspaces: rename, no delete while clusters live, move a cluster out, then delete', async () => {
    const ws = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: g(),
      payload: { name: 'Staging', slug: 'staging' },
    });
    expect(ws.statusCode).toBe(201);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: g(),
      payload: { name: 'Again', slug: 'staging' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('slug_taken');
    const renamed = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/workspaces/${ws.json().id}`,
      headers: g(),
      payload: { name: 'Staging 2' },
    });
    expect(renamed.json()).toMatchObject({ name: 'Staging 2', slug: 'staging' });

    const stagingToken = await t.issueToken({ workspaceId: ws.json().id });
    const { createTestTemplate } = await import('@commander/core/testing');
    const { versionId } = await createTestTemplate(t.db, ws.json().id);
    const cluster = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(stagingToken),
      payload: { name: 'mover', cluster_template_version_id: versionId, values: {} },
    });
    expect(cluster.statusCode).toBe(201);
    await t.db.clusterOperation.updateMany({
      where: { clusterId: cluster.json().id },
      data: { status: 'CANCELLED' },
    });
    const refused = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws.json().id}`,
      headers: g(),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('workspace_not_empty');

    // A token of one workspace cannot move clusters into another it has no rights in.
    const forbidden = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clusters/${cluster.json().id}/move`,
      headers: t.headers(stagingToken),
      payload: { workspace_id: t.defaultWorkspaceId },
    });
    expect(forbidden.statusCode).toBe(403);
    const admin = await signIn(t.adminEmail, t.adminPassword);
    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clusters/${cluster.json().id}/move`,
      headers: { ...admin, 'x-workspace': 'staging' },
      payload: { workspace_id: t.defaultWorkspaceId },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      workspace_id: t.defaultWorkspaceId,
      cluster_template_version_id: null,
    });
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws.json().id}`,
      headers: g(),
    });
    expect(deleted.statusCode).toBe(204);
  });

  it('the audit log shows who changed what; workspace tokens see their workspace only; JSON lines export', async () => {
    const all = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?limit=1000',
      headers: g(),
    });
    expect(all.statusCode).toBe(200);
    const actions = all
      .json()
      .map((e: { auditable_type: string; action: string }) => `${e.auditable_type}:${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'User:create',
        'RoleBinding:create',
        'Workspace:create',
        'Cluster:move',
        'Workspace:delete',
      ]),
    );
    const userEvent = all
      .json()
      .find(
        (e: { auditable_type: string; action: string }) =>
          e.auditable_type === 'User' && e.action === 'create',
      );
    expect(userEvent).toMatchObject({ user_type: 'AuthToken', user_name: 'bootstrap' });
    const filtered = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?auditable_type=Role',
      headers: g(),
    });
    expect(
      filtered.json().every((e: { auditable_type: string }) => e.auditable_type === 'Role'),
    ).toBe(true);
    const jsonl = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?format=jsonl&limit=5',
      headers: g(),
    });
    expect(jsonl.headers['content-type']).toContain('ndjson');
    const lines = jsonl.body.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!)).toHaveProperty('auditable_type');
    const scoped = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?limit=1000',
      headers: t.headers(),
    });
    expect(scoped.statusCode).toBe(200);
    expect(
      scoped
        .json()
        .every((e: { workspace_id: string | null }) => e.workspace_id === t.defaultWorkspaceId),
    ).toBe(true);
  });

  it('audit events name their objects (deleted ones by their recorded name) and filter by who acted', async () => {
    const workspace = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: g(),
      payload: { name: `Named ${t.suffix}`, slug: `named-${t.suffix}` },
    });
    expect(workspace.statusCode, workspace.body).toBe(201);
    const id = workspace.json().id as string;
    const events = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit_events?auditable_type=Workspace&auditable_id=${id}`,
      headers: g(),
    });
    expect(events.json()).toEqual([
      expect.objectContaining({ action: 'create', auditable_name: `Named ${t.suffix}` }),
    ]);

    await recordAudit(t.db, t.systemContext(), {
      action: 'agent_lost',
      auditableType: 'Cluster',
      auditableId: `00000000-0000-4000-8000-${t.suffix}000000`,
      changes: { name: `gone-${t.suffix}` },
    });
    const people = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?user_type=User,AuthToken&limit=1000',
      headers: g(),
    });
    expect(people.statusCode).toBe(200);
    const types = new Set(people.json().map((e: { user_type: string }) => e.user_type));
    expect([...types].every((type) => type === 'User' || type === 'AuthToken')).toBe(true);
    const system = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?user_type=System&limit=1000',
      headers: g(),
    });
    expect(system.json().every((e: { user_type: string }) => e.user_type === 'System')).toBe(true);
    expect(system.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_type: 'System',
          action: 'agent_lost',
          auditable_name: `gone-${t.suffix}`,
        }),
      ]),
    );
    const odd = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit_events?user_type=Robot',
      headers: g(),
    });
    expect(odd.statusCode).toBe(400);
  });
});
