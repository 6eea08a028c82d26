// The installed kubectl through a kubeconfig downloaded from Commander: the API listens for real,
// a tunnel agent connects to it with the cluster's agent key, and the cluster's Kubernetes API
// behind the tunnel is kube-sim (the simulator's per-cluster Kubernetes API). get, apply, logs
// and exec run as the signed-in user (impersonated), through the proxy and the tunnel.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import {
  createCluster,
  createRoleBinding,
  createUser,
  ensureAgentKey,
  type ServiceContext,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { createKubeSim, type ServedKubeSim, serveKubeSim } from '@commander/kube-sim';
import { TunnelAgent } from '@commander/tunnel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { useTestApp } from './helpers.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl) {
  console.warn('kubectl is not on PATH: the kubectl tests of the Kubernetes proxy are skipped');
}

describe.skipIf(!hasKubectl)('kubectl through a Commander kubeconfig', () => {
  const t = useTestApp(() => ({}));
  const sim = createKubeSim({ clusterName: 'kctl', nodeCount: 1, logIntervalMs: 100 });
  let served: ServedKubeSim;
  let agent: TunnelAgent;
  let dir = '';
  let email = '';
  let front: tls.Server;

  beforeAll(async () => {
    served = await serveKubeSim(sim);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write', 'users:write', 'role_bindings:write']),
    };
    const cluster = await createCluster(ctx, {
      name: 'kctl',
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    agent = new TunnelAgent({
      url: `${base.replace('http', 'ws')}/agent_api/${cluster.uuid}/tunnel`,
      key,
      target: { baseUrl: served.url },
      minBackoffMs: 50,
    });
    agent.start();
    await vi.waitFor(() => expect(t.app.connector.hub.get(cluster.id)).toBeDefined(), {
      timeout: 15_000,
    });

    // An operator signs in and downloads a kubeconfig.
    email = `kubectl-${t.suffix}@proxy.test`;
    const password = 'kubectl-password-1234';
    const user = await createUser(ctx, { email, name: 'kubectl', password });
    const role = await t.db.role.findFirstOrThrow({
      where: { scope: 'WORKSPACE', name: 'operator' },
    });
    await createRoleBinding(ctx, {
      user_id: user.id,
      role_id: role.id,
      workspace_id: t.defaultWorkspaceId,
    });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    const kubeconfig = await fetch(`${base}/api/v1/clusters/${cluster.id}/kubeconfig`, {
      headers: { cookie },
    });
    expect(kubeconfig.status).toBe(200);
    // kubectl never sends a bearer token over plain HTTP: a TLS front (self-signed, as an
    // ingress would terminate TLS) relays to the API. The test's public URL is not where it
    // listens: the server is pointed at the front.
    dir = mkdtempSync(path.join(tmpdir(), 'commander-kubectl-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const apiPort = (t.app.server.address() as AddressInfo).port;
    front = tls.createServer(
      {
        key: readFileSync(path.join(dir, 'key.pem')),
        cert: readFileSync(path.join(dir, 'cert.pem')),
      },
      (socket) => {
        const upstream = net.connect(apiPort, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      },
    );
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const ca = readFileSync(path.join(dir, 'cert.pem')).toString('base64');
    const yaml = (await kubeconfig.text()).replace(
      /server: "http:\/\/commander\.test([^"]*)"/,
      `server: "${frontUrl}$1"\n    certificate-authority-data: "${ca}"`,
    );
    writeFileSync(path.join(dir, 'config'), yaml);
  });

  afterAll(async () => {
    agent?.stop();
    front?.close();
    await served?.close();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  function kubectl(
    args: string[],
    input?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        args,
        {
          env: { ...process.env, KUBECONFIG: path.join(dir, 'config'), HOME: dir },
          timeout: 20_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
            stdout,
            stderr,
          }),
      );
      if (input !== undefined) {
        child.stdin?.end(input);
      }
    });
  }

  it('get, apply, logs and exec work, as the signed-in user', async () => {
    const nodes = await kubectl(['get', 'nodes']);
    expect(nodes.code, nodes.stderr).toBe(0);
    expect(nodes.stdout).toContain('kctl');
    const applied = await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'from-kubectl', namespace: 'default' },
        data: { hello: 'world' },
      }),
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('configmap/from-kubectl created');
    const pod = (
      await kubectl(['get', 'pods', '-n', 'default', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).stdout;
    expect(pod).not.toBe('');
    const logs = await kubectl(['logs', '-n', 'default', pod, '--tail=2']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.trim().split('\n')).toHaveLength(2);
    const echo = await kubectl(['exec', '-n', 'default', pod, '--', 'echo', 'through', 'tunnel']);
    expect(echo, echo.stderr).toMatchObject({ code: 0, stdout: 'through tunnel\n' });
    // kube-sim saw the requests as the user, in the operator's group.
    const seen = sim.requests;
    expect(seen.some((r) => r.user === email && r.groups.includes('commander:edit'))).toBe(true);
    // The write was audited.
    expect(
      await t.db.auditEvent.count({ where: { action: { startsWith: 'kubernetes_' } } }),
    ).toBeGreaterThan(0);
  });
});
