// The installed kubectl against a served kube-sim: what a real client needs of discovery, Table
// output, watch, client-side and server-side apply, logs and exec over WebSocket.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createKubeSim, type ServedKubeSim, serveKubeSim } from '../src/index.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl)
  console.warn('kubectl is not on PATH: the kubectl tests of @commander/kube-sim are skipped');

describe.skipIf(!hasKubectl)('kubectl against kube-sim', () => {
  let served: ServedKubeSim;
  let dir: string;
  const sim = createKubeSim({ clusterName: 'kctl', nodeCount: 1, logIntervalMs: 100 });

  beforeAll(async () => {
    served = await serveKubeSim(sim);
    dir = mkdtempSync(path.join(tmpdir(), 'kube-sim-kubectl-'));
    writeFileSync(
      path.join(dir, 'config'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: sim, cluster: {server: "' + served.url + '"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: sim, context: {cluster: sim, user: u}}]',
        'current-context: sim',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ ...process.env, KUBECONFIG: path.join(dir, 'config'), HOME: dir });

  function kubectl(
    args: string[],
    input?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        args,
        { env: env(), timeout: 20_000 },
        (error, stdout, stderr) => {
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
            stdout,
            stderr,
          });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  it('get lists pods and nodes as tables', async () => {
    const pods = await kubectl(['get', 'pods', '-n', 'default']);
    expect(pods.stderr).toBe('');
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(pods.stdout).toMatch(/web-\w+-\w+\s+1\/1\s+Running/);
    expect((await kubectl(['get', 'nodes'])).stdout).toContain('kctl-worker-0');
  });

  it('get -w shows a change', async () => {
    const child = spawn('kubectl', ['get', 'configmaps', '-n', 'default', '-w'], { env: env() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await vi.waitFor(() => expect(output).toContain('web-config'), { timeout: 10_000 });
      await kubectl(
        ['apply', '-f', '-'],
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seen-by-watch, namespace: default}\ndata: {a: "1"}\n',
      );
      await vi.waitFor(() => expect(output).toContain('seen-by-watch'), { timeout: 10_000 });
    } finally {
      child.kill();
    }
  });

  it('apply creates, then updates; server-side apply too', async () => {
    const manifest = (value: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: applied, namespace: default}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: applied}}\n  template:\n    metadata: {labels: {app: applied}}\n    spec:\n      containers: [{name: main, image: "busybox:${value}"}]\n`;
    const created = await kubectl(['apply', '-f', '-'], manifest('1.36'));
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('deployment.apps/applied created');
    const updated = await kubectl(['apply', '-f', '-'], manifest('1.37'));
    expect(updated.stdout).toContain('deployment.apps/applied configured');
    const image = await kubectl([
      'get',
      'deployment',
      'applied',
      '-n',
      'default',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image.stdout).toBe('busybox:1.37');
    const server = await kubectl(['apply', '--server-side', '-f', '-'], manifest('1.38'));
    expect(server.stdout).toContain('serverside-applied');
    expect(server.stdout).not.toContain('error');
    const dry = await kubectl(['apply', '--dry-run=server', '-f', '-'], manifest('9.9'));
    expect(dry.stdout).toContain('(server dry run)');
    expect(
      (
        await kubectl([
          'get',
          'deploy',
          'applied',
          '-n',
          'default',
          '-o',
          'jsonpath={.spec.template.spec.containers[0].image}',
        ])
      ).stdout,
    ).toBe('busybox:1.38');
  });

  it('logs prints the tail', async () => {
    const pod = (
      await kubectl([
        'get',
        'pods',
        '-n',
        'default',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ])
    ).stdout;
    const logs = await kubectl(['logs', '-n', 'default', pod, '--tail=2']);
    expect(logs.code).toBe(0);
    expect(logs.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('exec runs commands and passes the exit code through', async () => {
    const pod = (
      await kubectl([
        'get',
        'pods',
        '-n',
        'default',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ])
    ).stdout;
    const echo = await kubectl(['exec', '-n', 'default', pod, '--', 'echo', 'hello', 'kube-sim']);
    expect(echo).toMatchObject({ code: 0, stdout: 'hello kube-sim\n' });
    const missing = await kubectl(['exec', '-n', 'default', pod, '--', 'frobnicate']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('sh: frobnicate: not found');
    const shell = await kubectl(
      ['exec', '-i', '-n', 'default', pod, '--', 'sh'],
      'hostname\nexit 3\n',
    );
    expect(shell.stdout).toBe(`${pod}\n`);
    expect(shell.code).toBe(3);
  });
});
