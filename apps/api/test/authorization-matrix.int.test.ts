import { randomUUID } from 'node:crypto';

import { createRoleBinding, createUser, type ServiceContext } from '@commander/core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { RouteEntry } from '../src/app.js';
import { useTestApp } from './helpers.js';

/**
 * Every /api/v1 route, tried by every kind of caller. A route that declares a permission must
 * answer 401 without credentials, 403 to a caller without that permission, and neither to a
 * caller with it. The expected permissions of each caller are written out here, independently
 * of the role table in packages/core, so a change there that widens access fails this test.
 */
const WS_READ = [
  'clusters:read',
  'clusters:admin:read',
  'cluster_templates:read',
  'catalogs:read',
  'registries:read',
  'workspace_tokens:read',
  'workspace_audit:read',
  'workspace_members:read',
  'webhooks:read',
  'rollouts:read',
];
const WS_ALL = [
  ...WS_READ,
  'clusters:write',
  'clusters:admin:write',
  'clusters:secrets:read',
  'cluster_templates:write',
  'catalogs:write',
  'registries:write',
  'workspace_tokens:write',
  'workspace_members:write',
  'webhooks:write',
  'rollouts:write',
];
const GLOBAL_READ = [
  'workspaces:read',
  'users:read',
  'roles:read',
  'role_bindings:read',
  'global_tokens:read',
  'audit:read',
];
const GLOBAL_ALL = [
  ...GLOBAL_READ,
  'workspaces:write',
  'users:write',
  'roles:write',
  'role_bindings:write',
  'global_tokens:write',
];

type Caller = { name: string; allowed: string[]; headers: () => Record<string, string> };

describe('authorization matrix', () => {
  const routes: RouteEntry[] = [];
  const t = useTestApp();
  const callers: Caller[] = [];

  beforeAll(async () => {
    routes.push(...t.app.routeTable);
    const ctx: ServiceContext = { ...t.systemContext(), permissions: new Set(GLOBAL_ALL) };
    const password = 'matrix-password-1234';
    const roles = await t.db.role.findMany();
    const role = (scope: 'GLOBAL' | 'WORKSPACE', name: string) =>
      roles.find((r) => r.scope === scope && r.name === name)!.id;
    const login = async (email: string): Promise<Record<string, string>> => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
        remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      return { cookie, 'x-csrf-token': res.json().csrf_token as string };
    };
    const user = async (
      name: string,
      bind: { role: string; workspaceId: string | null } | null,
    ) => {
      const u = await createUser(ctx, { email: `${name}@matrix.test`, name, password });
      if (bind) {
        await createRoleBinding(ctx, {
          user_id: u.id,
          role_id: bind.role,
          workspace_id: bind.workspaceId,
        });
      }
      return login(u.email);
    };
    const ws = t.defaultWorkspaceId;
    const tokens = {
      globalWrite: t.globalToken,
      globalRead: await t.issueToken({ workspaceId: null, scope: 'read' }),
      wsWrite: t.token,
      wsRead: await t.issueToken({ workspaceId: ws, scope: 'read' }),
    };
    const sessions = {
      admin: await user('admin2', { role: role('GLOBAL', 'admin'), workspaceId: null }),
      wsAdmin: await user('wsadmin', { role: role('WORKSPACE', 'admin'), workspaceId: ws }),
      operator: await user('operator', { role: role('WORKSPACE', 'operator'), workspaceId: ws }),
      viewer: await user('viewer', { role: role('WORKSPACE', 'viewer'), workspaceId: ws }),
      nobody: await user('nobody', null),
    };
    callers.push(
      { name: 'no credentials', allowed: [], headers: () => ({}) },
      {
        name: 'global write token',
        allowed: GLOBAL_ALL,
        headers: () => ({ 'x-auth-token': tokens.globalWrite }),
      },
      {
        name: 'global read token',
        allowed: GLOBAL_READ,
        headers: () => ({ 'x-auth-token': tokens.globalRead }),
      },
      {
        name: 'workspace write token',
        allowed: WS_ALL,
        headers: () => ({ 'x-auth-token': tokens.wsWrite }),
      },
      {
        name: 'workspace read token',
        allowed: WS_READ,
        headers: () => ({ 'x-auth-token': tokens.wsRead }),
      },
      {
        name: 'global admin user',
        allowed: [...GLOBAL_ALL, ...WS_ALL],
        headers: () => sessions.admin,
      },
      { name: 'workspace admin user', allowed: WS_ALL, headers: () => sessions.wsAdmin },
      {
        name: 'operator user',
        allowed: [
          ...WS_READ,
          'clusters:write',
          'clusters:admin:write',
          'cluster_templates:write',
          'catalogs:write',
          'registries:write',
          'rollouts:write',
        ],
        headers: () => sessions.operator,
      },
      { name: 'viewer user', allowed: WS_READ, headers: () => sessions.viewer },
      { name: 'user without roles', allowed: [], headers: () => sessions.nobody },
    );
  });

  it('finds the routes to try', () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  it('every route answers every caller as its declared permission says', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.url.startsWith('/api/v1/') && r.kind !== 'public')) {
      const url = route.url.replace(/:[a-zA-Z_]+/g, randomUUID());
      for (const caller of callers) {
        const streams = route.url === '/api/v1/events';
        const mayPass =
          caller.allowed.includes(route.permission ?? '') || route.kind !== 'permission';
        if (streams && caller.name !== 'no credentials' && mayPass) {
          continue; // an allowed caller gets a never-ending event stream
        }
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers: {
            ...caller.headers(),
            ...(route.method === 'GET' || route.method === 'DELETE'
              ? {}
              : { 'content-type': 'application/json' }),
          },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: '{}' }),
        });
        const where = `${caller.name}: ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 120)}`;
        if (caller.name === 'no credentials') {
          if (res.statusCode !== 401) {
            failures.push(`expected 401 for ${where}`);
          }
          continue;
        }
        if (res.statusCode === 401) {
          failures.push(`unexpected 401 for ${where}`);
          continue;
        }
        if (route.kind !== 'permission') {
          continue; // the use case decides (covered by the routes' own tests)
        }
        const allowed =
          caller.allowed.includes(route.permission!) ||
          (route.permission!.endsWith(':read') &&
            caller.allowed.includes(route.permission!.replace(/:read$/, ':write')));
        if (allowed && res.statusCode === 403) {
          failures.push(`unexpected 403 for ${where}`);
        }
        if (!allowed && res.statusCode !== 403) {
          failures.push(`expected 403 for ${where}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('secrets never leave in plaintext, whatever the caller', async () => {
    const rows = await t.db.authToken.findMany();
    for (const row of rows) {
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    }
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth_tokens',
      headers: { 'x-auth-token': t.globalToken },
    });
    expect(list.body).not.toContain(t.globalToken);
    expect(list.body).not.toContain('token_hash');
  });
});
