import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  createCluster,
  createRoleBinding,
  createUser,
  createWorkspace,
  ensureAgentKey,
  rotateAgentKey,
  type ServiceContext,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { TunnelAgent } from '@commander/tunnel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';

import { useTestApp } from './helpers.js';
import { startKubeEcho } from './kube-echo-server.js';

describe('Kubernetes API proxy through the agent tunnel', () => {
  const t = useTestApp();
  let kube: Awaited<ReturnType<typeof startKubeEcho>>;
  let base = '';
  let cluster: { id: string; uuid: string };
  let other: { id: string; uuid: string };
  let key = '';
  let otherKey = '';
  let agent: TunnelAgent;
  const password = 'proxy-password-1234';
  const users: Record<string, { email: string; cookie: string; csrf: string }> = {};
  let otherWsToken = '';
  let ctx: ServiceContext;
  let ws2: { id: string; slug: string };

  beforeAll(async () => {
    kube = await startKubeEcho();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    ctx = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set([
        'clusters:write',
        'workspaces:write',
        'users:write',
        'role_bindings:write',
      ]),
    };
    cluster = await createCluster(ctx, {
      name: 'kube-a',
      cluster_template_version_id: versionId,
      values: {},
    });
    key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    // Another workspace with its own cluster.
    ws2 = await createWorkspace(ctx, { name: 'Other', slug: `other-${t.suffix}` });
    const v2 = await createTestTemplate(t.db, ws2.id);
    other = await createCluster(
      { ...ctx, workspace: { id: ws2.id, slug: ws2.slug } },
      { name: 'kube-b', cluster_template_version_id: v2.versionId, values: {} },
    );
    otherKey = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, other.id));
    otherWsToken = await t.issueToken({ workspaceId: ws2.id });

    const roles = await t.db.role.findMany({ where: { scope: 'WORKSPACE' } });
    for (const role of ['admin', 'operator', 'viewer']) {
      const email = `${role}-${t.suffix}@proxy.test`;
      const u = await createUser(ctx, { email, name: role, password });
      await createRoleBinding(ctx, {
        user_id: u.id,
        role_id: roles.find((r) => r.name === role)!.id,
        workspace_id: t.defaultWorkspaceId,
      });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
        remoteAddress: `10.7.0.${Object.keys(users).length + 1}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      users[role] = {
        email,
        cookie: String(res.headers['set-cookie']).split(';')[0]!,
        csrf: res.json().csrf_token as string,
      };
    }
  });

  afterAll(async () => {
    agent?.stop();
    await kube?.close();
  });

  const proxy = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes${path}`, {
      ...init,
      headers: { 'x-auth-token': init.token ?? t.token, ...(init.headers ?? {}) },
    });

  it('answers 503 with a clear error while the cluster has no tunnel', async () => {
    const res = await proxy('/api/v1/namespaces');
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).message).toMatch(/not connected/);
  });

  it("refuses a tunnel without the cluster's own agent key", async () => {
    for (const auth of [undefined, 'Bearer cmdra_wrong', `Bearer ${otherKey}`]) {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/agent_api/${cluster.uuid}/tunnel`, {
        headers: auth ? { authorization: auth } : {},
      });
      const status = await new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_req: unknown, res: { statusCode?: number }) =>
          resolve(res.statusCode ?? 0),
        );
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);
      ws.terminate();
    }
    // Not an upgrade: 426; an upgrade to any other path: 400.
    const plain = await fetch(`${base}/agent_api/${cluster.uuid}/tunnel`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(plain.status).toBe(426);
  });

  it('carries requests once the agent connects; impersonates the caller', async () => {
    agent = new TunnelAgent({
      url: `${base.replace('http', 'ws')}/agent_api/${cluster.uuid}/tunnel`,
      key,
      target: { baseUrl: kube.url, token: 'agent-service-account-token' },
      minBackoffMs: 50,
      maxBackoffMs: 500,
    });
    agent.start();
    await vi.waitFor(() => expect(t.app.connector.hub.get(cluster.id)).toBeDefined(), {
      timeout: 15_000,
    });
    const res = await proxy('/api/v1/namespaces?limit=5', {
      headers: {
        'impersonate-user': 'system:admin',
        'impersonate-group': 'system:masters',
        authorization: 'Bearer stolen',
      },
    });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.url).toBe('/api/v1/namespaces?limit=5');
    expect(body.authorization).toBe('Bearer agent-service-account-token');
    expect(body.impersonate_user).toMatch(/^commander-token:test-/);
    expect(body.impersonate_group).toBe('commander:cluster-admin');
    expect(body.x_auth_token).toBeNull();
  });

  it('impersonates each role as its group; viewers may not write', async () => {
    const expected = {
      admin: 'commander:cluster-admin',
      operator: 'commander:edit',
      viewer: 'commander:view',
    } as const;
    for (const [role, group] of Object.entries(expected)) {
      const u = users[role]!;
      const res = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/pods`, {
        headers: { cookie: u.cookie },
      });
      expect(res.status, role).toBe(200);
      const body: any = await res.json();
      expect(body.impersonate_user).toBe(u.email);
      expect(body.impersonate_group).toBe(group);
      expect(body.cookie).toBeNull();
    }
    const write = (role: string, csrf = true) =>
      fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/namespaces/d/configmaps`, {
        method: 'POST',
        headers: {
          cookie: users[role]!.cookie,
          'content-type': 'application/json',
          ...(csrf ? { 'x-csrf-token': users[role]!.csrf } : {}),
        },
        body: JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x' } }),
      });
    expect((await write('viewer')).status).toBe(403);
    expect((await write('operator', false)).status).toBe(403); // no CSRF header
    const ok = await write('operator');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as any).body).toContain('"ConfigMap"');
    const readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    expect(
      (await proxy('/api/v1/namespaces/d/configmaps/x', { method: 'DELETE', token: readToken }))
        .status,
    ).toBe(403);
  });

  it("refuses another workspace's cluster (404) and odd paths (400)", async () => {
    const res = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/pods`, {
      headers: { 'x-auth-token': otherWsToken },
    });
    expect(res.status).toBe(404);
    const nobody = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/pods`);
    expect(nobody.status).toBe(401);
    // Sent byte for byte (fetch would resolve dots itself).
    const raw = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: new URL(base).port,
            path: `/api/v1/clusters/${cluster.id}/kubernetes${path}`,
            headers: { 'x-auth-token': t.token },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    const seenBefore = kube.seen.length;
    for (const path of [
      '/api/v1/namespaces/%2e%2e/secrets',
      '/api/v1/namespaces%2fkube-system/secrets',
      '/api/v1/namespaces%2Fkube-system/secrets',
      '/api/v1//secrets',
      '/api/v1/namespaces/../../../../api/v1/users',
      '/api/v1/namespaces/./x',
      '/api/v1/namespaces\\x',
    ]) {
      expect(await raw(path), path).toBe(400);
    }
    expect(kube.seen.length).toBe(seenBefore);
    // The prefix itself percent-encoded: the router matches it, the proxy refuses it.
    const encoded = await new Promise<number>((resolve) => {
      http
        .request(
          {
            host: '127.0.0.1',
            port: new URL(base).port,
            path: `/api/v1/%63lusters/${cluster.id}/kubernetes/api/v1/pods`,
            headers: { 'x-auth-token': t.token },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .end();
    });
    expect([400, 404]).toContain(encoded);
    expect(kube.seen.length).toBe(seenBefore);
  });

  it('audits every write with method, path, resource and status', async () => {
    const res = await proxy('/apis/apps/v1/namespaces/prod/deployments/web', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: '{"spec":{"replicas":2}}',
    });
    expect(res.status).toBe(200);
    await vi.waitFor(async () => {
      const events = await t.db.auditEvent.findMany({
        where: { auditableId: cluster.id, action: 'kubernetes_patch' },
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.changes).toMatchObject({
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/prod/deployments/web',
        resource: 'deployments.apps',
        namespace: 'prod',
        name: 'web',
        status: 200,
      });
    });
    // Reads are not audited.
    expect(
      await t.db.auditEvent.count({
        where: { auditableId: cluster.id, action: { startsWith: 'kubernetes_get' } },
      }),
    ).toBe(0);
  });

  it('streams a watch and concurrent requests and an exec over the one tunnel', async () => {
    const watch = await proxy('/api/v1/pods?watch=1');
    const reader = watch.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('ADDED');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        proxy(`/api/v1/namespaces/n${i}`).then((r) => r.json() as Promise<any>),
      ),
    );
    answers.forEach((a, i) => expect(a.url).toBe(`/api/v1/namespaces/n${i}`));
    for (const w of kube.watchers) {
      w.write(`${JSON.stringify({ type: 'DELETED', object: { kind: 'Pod' } })}\n`);
    }
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('DELETED');
    await reader.cancel();
    await vi.waitFor(() => expect(kube.watchers.size).toBe(0));

    const execUrl = `${base.replace('http', 'ws')}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/namespaces/d/pods/p/exec?command=sh&stdin=true`;
    // A viewer may not exec; a cookie WebSocket from another origin is refused.
    const refused = async (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(execUrl, { headers });
        ws.on('unexpected-response', (_r: unknown, res: { statusCode?: number }) =>
          resolve(res.statusCode ?? 0),
        );
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
    expect(await refused({ cookie: users.viewer!.cookie, origin: 'http://commander.test' })).toBe(
      403,
    );
    expect(await refused({ cookie: users.operator!.cookie, origin: 'https://evil.test' })).toBe(
      403,
    );
    const ws = new WebSocket(execUrl, {
      headers: { cookie: users.operator!.cookie, origin: 'http://commander.test' },
    });
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    await new Promise((r) => ws.on('open', r));
    ws.send('ls');
    await vi.waitFor(() => expect(got).toEqual(['echo:ls']));
    ws.close();
    await vi.waitFor(async () =>
      expect(
        await t.db.auditEvent.count({
          where: { auditableId: cluster.id, action: 'kubernetes_connect' },
        }),
      ).toBeGreaterThanOrEqual(1),
    );
  });

  it("without X-Workspace the cluster's own workspace applies (HTTP and exec), rights checked there", async () => {
    const otherAgent = new TunnelAgent({
      url: `${base.replace('http', 'ws')}/agent_api/${other.uuid}/tunnel`,
      key: otherKey,
      target: { baseUrl: kube.url, token: 'agent-service-account-token' },
      minBackoffMs: 50,
      maxBackoffMs: 500,
    });
    otherAgent.start();
    try {
      await vi.waitFor(() => expect(t.app.connector.hub.get(other.id)).toBeDefined(), {
        timeout: 15_000,
      });
      // An operator and a viewer of the other workspace only.
      const roles = await t.db.role.findMany({ where: { scope: 'WORKSPACE' } });
      const there: Record<string, { email: string; cookie: string; csrf: string }> = {};
      for (const role of ['operator', 'viewer']) {
        const email = `${role}-ws2-${t.suffix}@proxy.test`;
        const u = await createUser(ctx, { email, name: `${role} ws2`, password });
        await createRoleBinding(ctx, {
          user_id: u.id,
          role_id: roles.find((r) => r.name === role)!.id,
          workspace_id: ws2.id,
        });
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password },
          remoteAddress: `10.7.1.${Object.keys(there).length + 1}`,
        });
        expect(res.statusCode, res.body).toBe(200);
        there[role] = {
          email,
          cookie: String(res.headers['set-cookie']).split(';')[0]!,
          csrf: res.json().csrf_token as string,
        };
      }
      const pods = `${base}/api/v1/clusters/${other.id}/kubernetes/api/v1/pods`;
      // HTTP: the other workspace's operator, no header: their cluster, as their group.
      const mine = await fetch(pods, { headers: { cookie: there.operator!.cookie } });
      expect(mine.status).toBe(200);
      const seen: any = await mine.json();
      expect(seen.impersonate_user).toBe(there.operator!.email);
      expect(seen.impersonate_group).toBe('commander:edit');
      // An explicit X-Workspace still wins: in a workspace where they hold nothing, 403; the
      // default workspace's admin naming the default workspace finds no such cluster there.
      const named = await fetch(pods, {
        headers: { cookie: there.operator!.cookie, 'x-workspace': 'default' },
      });
      expect(named.status).toBe(403);
      const elsewhere = await fetch(pods, {
        headers: { cookie: users.admin!.cookie, 'x-workspace': 'default' },
      });
      expect(elsewhere.status).toBe(404);
      // Callers without rights in that workspace: 404, as if it did not exist.
      for (const role of ['admin', 'operator', 'viewer']) {
        const res = await fetch(pods, { headers: { cookie: users[role]!.cookie } });
        expect(res.status, role).toBe(404);
      }
      expect((await fetch(pods, { headers: { 'x-auth-token': t.token } })).status).toBe(404);
      // For the other workspace's operator, a cluster they may not see (the default
      // workspace's) answers exactly like one that does not exist: no oracle.
      const unknown = await fetch(
        `${base}/api/v1/clusters/00000000-0000-4000-8000-000000000000/kubernetes/api/v1/pods`,
        { headers: { cookie: there.operator!.cookie } },
      );
      const invisible = await fetch(
        `${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/pods`,
        { headers: { cookie: there.operator!.cookie } },
      );
      expect(invisible.status).toBe(unknown.status);
      expect(await invisible.json()).toEqual(await unknown.json());
      expect([403, 404]).toContain(unknown.status);
      // The viewer there reads but does not write.
      expect((await fetch(pods, { headers: { cookie: there.viewer!.cookie } })).status).toBe(200);
      const write = await fetch(
        `${base}/api/v1/clusters/${other.id}/kubernetes/api/v1/namespaces`,
        {
          method: 'POST',
          headers: {
            cookie: there.viewer!.cookie,
            'x-csrf-token': there.viewer!.csrf,
            'content-type': 'application/json',
          },
          body: '{}',
        },
      );
      expect(write.status).toBe(403);
      // The kubeconfig download too.
      const kubeconfig = await fetch(`${base}/api/v1/clusters/${other.id}/kubeconfig`, {
        headers: { cookie: there.operator!.cookie },
      });
      expect(kubeconfig.status).toBe(200);
      expect(await kubeconfig.text()).toContain(`commander-${ws2.slug}-kube-b`);
      expect(
        (
          await fetch(`${base}/api/v1/clusters/${other.id}/kubeconfig`, {
            headers: { cookie: users.operator!.cookie },
          })
        ).status,
      ).toBe(404);

      // WebSocket upgrade (a browser's terminal cannot send X-Workspace).
      const execUrl = `${base.replace('http', 'ws')}/api/v1/clusters/${other.id}/kubernetes/api/v1/namespaces/d/pods/p/exec?command=sh&stdin=true`;
      const status = (headers: Record<string, string>) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(execUrl, { headers });
          ws.on('unexpected-response', (_r: unknown, res: { statusCode?: number }) =>
            resolve(res.statusCode ?? 0),
          );
          ws.on('open', () => {
            ws.terminate();
            resolve(101);
          });
          ws.on('error', () => undefined);
        });
      const origin = 'http://commander.test';
      expect(await status({ cookie: users.operator!.cookie, origin })).toBe(404);
      expect(await status({ cookie: users.admin!.cookie, origin })).toBe(404);
      expect(await status({ cookie: there.viewer!.cookie, origin })).toBe(403);
      const ws = new WebSocket(execUrl, { headers: { cookie: there.operator!.cookie, origin } });
      const got: string[] = [];
      ws.on('message', (d: Buffer) => got.push(d.toString()));
      await new Promise((r) => ws.on('open', r));
      ws.send('hostname');
      await vi.waitFor(() => expect(got).toEqual(['echo:hostname']));
      ws.close();

      // The proxy's cluster → workspace cache: archiving the cluster is seen at once (NOTIFY).
      expect((await fetch(pods, { headers: { cookie: there.operator!.cookie } })).status).toBe(200);
      await t.db.cluster.update({ where: { id: other.id }, data: { archivedAt: new Date() } });
      await vi.waitFor(
        async () =>
          expect(
            (
              await fetch(pods, {
                headers: { cookie: there.operator!.cookie, 'x-workspace': ws2.slug },
              })
            ).status,
          ).toBe(404),
        { timeout: 5_000, interval: 50 },
      );
    } finally {
      otherAgent.stop();
    }
  });

  it('kubeconfig: a per-user credential for this cluster only, revocable', async () => {
    const op = users.operator!;
    const res = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubeconfig`, {
      headers: { cookie: op.cookie },
    });
    expect(res.status).toBe(200);
    const yaml = await res.text();
    expect(yaml).toContain(
      `server: "http://commander.test/api/v1/clusters/${cluster.id}/kubernetes"`,
    );
    const token = /token: "(cmdrk_[0-9A-Za-z]+)"/.exec(yaml)![1]!;
    const row = await t.db.kubeconfigToken.findFirst({ where: { clusterId: cluster.id } });
    expect(row!.tokenHash).not.toContain(token);
    expect(JSON.stringify(await t.db.kubeconfigToken.findMany())).not.toContain(token);

    const asKubectl = (path: string, c = cluster.id) =>
      fetch(`${base}/api/v1/clusters/${c}/kubernetes${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const ok = await asKubectl('/api/v1/pods');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).impersonate_user).toBe(op.email);
    // Nowhere else: not another cluster, not the rest of the API.
    expect((await asKubectl('/api/v1/pods', other.id)).status).toBe(401);
    const elsewhere = await fetch(`${base}/api/v1/clusters`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(elsewhere.status).toBe(401);

    const list = await fetch(`${base}/api/v1/kubeconfig_tokens`, {
      headers: { cookie: op.cookie },
    });
    const tokens = ((await list.json()) as any).kubeconfig_tokens;
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(tokens)).not.toContain(token);
    // Another user cannot revoke it.
    const foreign = await fetch(`${base}/api/v1/kubeconfig_tokens/${tokens[0].id}`, {
      method: 'DELETE',
      headers: { cookie: users.viewer!.cookie, 'x-csrf-token': users.viewer!.csrf },
    });
    expect(foreign.status).toBe(404);
    const revoke = await fetch(`${base}/api/v1/kubeconfig_tokens/${tokens[0].id}`, {
      method: 'DELETE',
      headers: { cookie: op.cookie, 'x-csrf-token': op.csrf },
    });
    expect(revoke.status).toBe(200);
    expect((await asKubectl('/api/v1/pods')).status).toBe(401);
  });

  it('a kubeconfig follows the role: demoted to viewer, writes are refused at once', async () => {
    const v = users.viewer!;
    const res = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubeconfig`, {
      headers: { cookie: v.cookie },
    });
    const token = /token: "(cmdrk_[0-9A-Za-z]+)"/.exec(await res.text())![1]!;
    const del = await fetch(
      `${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/namespaces/d/pods/p`,
      { method: 'DELETE', headers: { authorization: `Bearer ${token}` } },
    );
    expect(del.status).toBe(403);
    const get = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/pods`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await get.json()) as any).impersonate_group).toBe('commander:view');
  });

  it('the tunnel comes back after the agent loses it', async () => {
    const before = agent.connections;
    t.app.connector.hub.get(cluster.id)!.close();
    await vi.waitFor(() => expect(agent.connections).toBe(before + 1), { timeout: 15_000 });
    await vi.waitFor(() => expect(t.app.connector.hub.get(cluster.id)).toBeDefined(), {
      timeout: 15_000,
    });
    expect((await proxy('/version')).status).toBe(200);
    expect(randomBytes(1)).toHaveLength(1);
  });

  it('closes a held tunnel once its key is rotated away (NOTIFY); the agent is refused', async () => {
    const held = t.app.connector.hub.get(cluster.id)!;
    expect(held).toBeDefined();
    // One rotation: the agent's key is the previous one, still accepted; the tunnel stays.
    await rotateAgentKey(ctx, cluster.id);
    // A second: that key is neither current nor previous.
    await rotateAgentKey(ctx, cluster.id);
    await vi.waitFor(() => expect(held.closed).toBe(true), { timeout: 10_000 });
    await vi.waitFor(
      async () => {
        expect(t.app.connector.hub.get(cluster.id)).toBeUndefined();
        expect((await proxy('/version')).status).toBe(503);
      },
      { timeout: 10_000 },
    );
  });
});
