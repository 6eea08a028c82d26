// kubectl against Commander started the way `pnpm start` runs it: the API, the simulated dhctl
// and a cluster manager are separate processes; the API also serves HTTPS on a second port with
// a self-signed certificate it generates at its first start. A cluster is created through the API,
// its simulated agent opens the tunnel, the signed-in administrator downloads a kubeconfig and
// the machine's kubectl uses it as it is (the server is the HTTPS port, the CA is in the file: no
// insecure-skip-tls-verify, no edits).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl) {
  console.warn(
    'kubectl is not on PATH: the kubectl-against-separate-processes test is skipped (install kubectl to run it)',
  );
}

/** A port nobody listens on now (the OS picks it; closed again before use). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type ClusterDto = { id: string; status: string; agent_status: string | null };

describe.skipIf(!hasKubectl)('kubectl with a downloaded kubeconfig (separate processes)', () => {
  const keys = generateEncryptionKeys();
  const email = 'admin@kubectl-processes.test';
  const password = 'kubectl-processes-password-1';
  const output: string[] = [];
  const children: ChildProcess[] = [];
  let database: TestDatabase;
  let dir = '';
  let base = '';
  let tlsPort = 0;
  let cookie = '';
  let csrf = '';
  let clusterId = '';

  function start(name: string, script: string, env: Record<string, string>): void {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        COMMANDER_PUBLIC_URL: base,
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    children.push(child);
  }

  const log = () => output.join('').slice(-4000);

  async function api(method: string, url: string, body?: unknown): Promise<Response> {
    return fetch(`${base}${url}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'commander-kubectl-processes-'));
    const [port, grpcPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    tlsPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    start('dhctl-sim', 'apps/dhctl-sim/src/main.ts', {
      DHCTL_SIM_GRPC_PORT: String(grpcPort),
      DHCTL_SIM_HTTP_PORT: String(httpPort),
      DHCTL_SIM_PHASE_DELAY_MS: '20',
      DHCTL_SIM_AGENT_POLL_MS: '500',
      DHCTL_SIM_STATE_FILE: path.join(dir, 'sim-state.json'),
    });
    start('api', 'apps/api/src/main.ts', {
      HOST: '127.0.0.1',
      PORT: String(port),
      COMMANDER_WEB_DIST: '/nonexistent',
      COMMANDER_ADMIN_EMAIL: email,
      COMMANDER_ADMIN_PASSWORD: password,
      COMMANDER_TLS_PORT: String(tlsPort),
      COMMANDER_TLS_CERT_FILE: path.join(dir, 'tls/cert.pem'),
      COMMANDER_TLS_KEY_FILE: path.join(dir, 'tls/key.pem'),
    });
    await vi.waitFor(async () => expect((await fetch(`${base}/readyz`)).ok, log()).toBe(true), {
      timeout: 90_000,
      interval: 250,
    });
    start('manager', 'apps/manager/src/main.ts', {
      MANAGER_REPLICA_ID: 'kubectl-processes',
      DHCTL_SERVER_ADDRESS: `127.0.0.1:${grpcPort}`,
    });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    csrf = ((await login.json()) as { csrf_token: string }).csrf_token;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await database?.drop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generated the HTTPS certificate at the first start, its key private', () => {
    const certFile = path.join(dir, 'tls/cert.pem');
    const keyFile = path.join(dir, 'tls/key.pem');
    expect(existsSync(certFile) && existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    const cert = new X509Certificate(readFileSync(certFile));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('a created cluster’s agent tunnels in; kubectl get, apply, logs and exec through the kubeconfig', async () => {
    const templates = (await (await api('GET', '/api/v1/cluster_templates')).json()) as {
      name: string;
      current_cluster_template_version_id: string;
    }[];
    const version = templates.find(
      (t) => t.name === 'Static cluster',
    )?.current_cluster_template_version_id;
    expect(version, 'the preset "Static cluster" template').toBeTruthy();
    const created = await api('POST', '/api/v1/clusters', {
      name: 'kubectl-processes',
      cluster_template_version_id: version,
      values: {},
    });
    expect(created.status, await created.clone().text()).toBe(201);
    clusterId = ((await created.json()) as ClusterDto).id;
    await vi.waitFor(
      async () => {
        const cluster = (await (
          await api('GET', `/api/v1/clusters/${clusterId}`)
        ).json()) as ClusterDto;
        expect(cluster.agent_status, log()).toBe('online');
        const ns = await api('GET', `/api/v1/clusters/${clusterId}/kubernetes/api/v1/namespaces`);
        expect(ns.status, log()).toBe(200);
      },
      { timeout: 120_000, interval: 500 },
    );

    const kubeconfig = await api('GET', `/api/v1/clusters/${clusterId}/kubeconfig`);
    expect(kubeconfig.status).toBe(200);
    const yaml = await kubeconfig.text();
    // The HTTPS port with its certificate as the CA; never an insecure skip.
    expect(yaml).toContain(
      `server: "https://127.0.0.1:${tlsPort}/api/v1/clusters/${clusterId}/kubernetes"`,
    );
    const ca = /certificate-authority-data: "([^"]+)"/.exec(yaml)?.[1];
    expect(Buffer.from(ca ?? '', 'base64').toString()).toBe(
      readFileSync(path.join(dir, 'tls/cert.pem'), 'utf8'),
    );
    expect(yaml).not.toContain('insecure');
    writeFileSync(path.join(dir, 'config'), yaml, { mode: 0o600 });

    const pods = await kubectl(['get', 'pods', '-A']);
    expect(pods.code, pods.stderr).toBe(0);
    expect(pods.stdout).toContain('Running');
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
    const got = await kubectl([
      'get',
      'configmap',
      'from-kubectl',
      '-n',
      'default',
      '-o',
      'jsonpath={.data.hello}',
    ]);
    expect(got).toMatchObject({ code: 0, stdout: 'world' });
    const pod = (
      await kubectl(['get', 'pods', '-n', 'default', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).stdout;
    expect(pod).not.toBe('');
    const logs = await kubectl(['logs', '-n', 'default', pod, '--tail=2']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.trim().split('\n')).toHaveLength(2);
    const echo = await kubectl(['exec', '-n', 'default', pod, '--', 'echo', 'hi']);
    expect(echo, echo.stderr).toMatchObject({ code: 0, stdout: 'hi\n' });

    // A kubeconfig whose CA is not this server's is refused by kubectl (it verifies).
    writeFileSync(
      path.join(dir, 'config'),
      yaml.replace(/ {4}certificate-authority-data: "[^"]+"\n/, ''),
      { mode: 0o600 },
    );
    const unverified = await kubectl(['get', 'pods', '-A']);
    expect(unverified.code).not.toBe(0);
    expect(unverified.stderr).toMatch(/certificate/i);
  }, 240_000);

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
          timeout: 30_000,
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
});
