import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

import { createKubeSim, type KubeObject, type ServedKubeSim, serveKubeSim } from '../src/index.js';

let served: ServedKubeSim;
const sim = createKubeSim({ clusterName: 'unit', nodeCount: 2, logIntervalMs: 50 });

beforeAll(async () => {
  served = await serveKubeSim(sim);
});
afterAll(async () => {
  await served.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const response = await fetch(`${served.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> & KubeObject,
  };
}

const cm = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data,
});

describe('discovery', () => {
  it('serves version, group lists and resource lists', async () => {
    expect((await call('GET', '/version')).body).toMatchObject({ major: '1', minor: '32' });
    expect((await call('GET', '/api')).body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const core = await call('GET', '/api/v1');
    const names = (core.body.resources as { name: string }[]).map((resource) => resource.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'namespaces',
        'nodes',
        'pods',
        'pods/log',
        'pods/exec',
        'services',
        'configmaps',
        'secrets',
        'events',
      ]),
    );
    const apps = await call('GET', '/apis/apps/v1');
    expect((apps.body.resources as { name: string }[]).map((resource) => resource.name)).toContain(
      'deployments',
    );
    const v3 = await call('GET', '/openapi/v3');
    expect(Object.keys(v3.body.paths as object)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/apps/v1']),
    );
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const response = await call('GET', '/api/v1/widgets');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
    expect((await call('GET', '/api/v1/namespaces/default/pods/a/b/c/d')).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/%2e%2e/configmaps/x')).status).toBe(404);
  });
});

describe('objects', () => {
  it('seeds nodes, namespaces and a deployment with its pods', async () => {
    const nodes = await call('GET', '/api/v1/nodes');
    expect((nodes.body.items as KubeObject[]).map((node) => node.metadata.name)).toEqual([
      'unit-master-0',
      'unit-worker-0',
      'unit-worker-1',
    ]);
    const deployment = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(deployment.body).toMatchObject({
      kind: 'Deployment',
      spec: { replicas: 2 },
      status: { readyReplicas: 2 },
    });
    const pods = await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
    expect(pods.body.items).toHaveLength(2);
    for (const pod of pods.body.items as KubeObject[]) {
      expect(pod.status).toMatchObject({ phase: 'Running' });
      expect((pod.spec as { nodeName: string }).nodeName).toMatch(/^unit-worker-/);
    }
  });

  it('creates, gets, updates with optimistic concurrency and deletes', async () => {
    const created = await call(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      cm('one', { a: '1' }),
    );
    expect(created.status).toBe(201);
    const rv = created.body.metadata.resourceVersion;
    expect(created.body.metadata).toMatchObject({
      uid: expect.any(String),
      creationTimestamp: expect.any(String),
      generation: 1,
    });
    expect(
      (await call('POST', '/api/v1/namespaces/default/configmaps', cm('one', { a: '1' }))).body,
    ).toMatchObject({ reason: 'AlreadyExists', code: 409 });

    const updated = await call(
      'PUT',
      '/api/v1/namespaces/default/configmaps/one',
      cm('one', { a: '2' }, { resourceVersion: rv }),
    );
    expect(updated.status).toBe(200);
    expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    expect(updated.body.metadata.generation).toBe(2);
    const stale = await call(
      'PUT',
      '/api/v1/namespaces/default/configmaps/one',
      cm('one', { a: '3' }, { resourceVersion: rv }),
    );
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict' });

    const deleted = await call('DELETE', '/api/v1/namespaces/default/configmaps/one');
    expect(deleted.status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/one')).body).toMatchObject({
      reason: 'NotFound',
      message: 'configmaps "one" not found',
    });
  });

  it('refuses invalid objects with 422 and a missing namespace with 404', async () => {
    const bad = await call('POST', '/api/v1/namespaces/default/configmaps', cm('Not_Valid', {}));
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      reason: 'Invalid',
      details: { causes: [expect.objectContaining({ field: 'metadata.name' })] },
    });
    expect((await call('POST', '/api/v1/namespaces/nowhere/configmaps', cm('x', {}))).status).toBe(
      404,
    );
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', '{not json')).status).toBe(
      400,
    );
    expect(
      (await call('POST', '/api/v1/namespaces/default/configmaps', 'x'.repeat(4 * 1024 * 1024)))
        .status,
    ).toBe(413);
  });

  it('dryRun=All changes nothing', async () => {
    const dry = await call(
      'POST',
      '/api/v1/namespaces/default/configmaps?dryRun=All',
      cm('dry', { a: '1' }),
    );
    expect(dry.status).toBe(201);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
    const patched = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/web-config?dryRun=All',
      { data: { LOG_LEVEL: 'debug' } },
      'application/merge-patch+json',
    );
    expect(patched.body.data).toMatchObject({ LOG_LEVEL: 'debug' });
    expect(
      (await call('GET', '/api/v1/namespaces/default/configmaps/web-config')).body.data,
    ).toMatchObject({ LOG_LEVEL: 'info' });
  });

  it('patches with merge, strategic merge, JSON patch and server-side apply', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('patched', { a: '1', b: '2' }));
    const merged = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      { data: { a: null, c: '3' } },
      'application/merge-patch+json',
    );
    expect(merged.body.data).toEqual({ b: '2', c: '3' });
    const json = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      [{ op: 'replace', path: '/data/b', value: '20' }],
      'application/json-patch+json',
    );
    expect(json.body.data).toEqual({ b: '20', c: '3' });
    const failing = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      [{ op: 'remove', path: '/data/zzz' }],
      'application/json-patch+json',
    );
    expect(failing.status).toBe(422);

    const strategic = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web',
      { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } },
      'application/strategic-merge-patch+json',
    );
    const container = (
      strategic.body.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec.containers[0];
    expect(container).toMatchObject({
      name: 'nginx',
      image: 'nginx:1.28',
      ports: [{ containerPort: 80 }],
    });

    const applied = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/applied?fieldManager=test',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v\n',
      'application/apply-patch+yaml',
    );
    expect(applied.status).toBe(201);
    const reapplied = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/applied?fieldManager=test',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: w\n',
      'application/apply-patch+yaml',
    );
    expect(reapplied.status).toBe(200);
    expect(reapplied.body.data).toEqual({ k: 'w' });
  });

  it('a new pod template replaces the pods; a deleted pod is recreated; scale changes the count', async () => {
    await vi.waitFor(async () => {
      const pods = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb'))
        .body.items as KubeObject[];
      expect(pods).toHaveLength(2);
      for (const pod of pods)
        expect((pod.spec as { containers: { image: string }[] }).containers[0]?.image).toBe(
          'nginx:1.28',
        );
    });
    const before = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb'))
      .body.items as KubeObject[];
    await call('DELETE', `/api/v1/namespaces/default/pods/${before[0]?.metadata.name ?? ''}`);
    const after = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb'))
      .body.items as KubeObject[];
    expect(after).toHaveLength(2);
    expect(after.map((pod) => pod.metadata.name)).not.toContain(before[0]?.metadata.name);

    const scaled = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web/scale',
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    expect(scaled.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    expect(
      (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items,
    ).toHaveLength(3);
    await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web/scale',
      { spec: { replicas: 2 } },
      'application/merge-patch+json',
    );
  });

  it('field selectors and Table output', async () => {
    const running = await call(
      'GET',
      '/api/v1/pods?fieldSelector=status.phase%3DRunning,metadata.namespace%3Dkube-system',
    );
    expect(
      (running.body.items as KubeObject[]).every((pod) => pod.metadata.namespace === 'kube-system'),
    ).toBe(true);
    const response = await fetch(`${served.url}/api/v1/namespaces/default/pods`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await response.json()) as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: unknown[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((column) => column.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED and resumes from a resourceVersion', async () => {
    const list = await call('GET', '/api/v1/namespaces/default/configmaps');
    const rv = list.body.metadata.resourceVersion ?? '';
    const controller = new AbortController();
    const response = await fetch(
      `${served.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
      { signal: controller.signal },
    );
    const events: { type: string; object: KubeObject }[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let index;
        while ((index = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, index)) as { type: string; object: KubeObject });
          buffer = buffer.slice(index + 1);
        }
      }
    })().catch(() => undefined);
    await vi.waitFor(() => expect(sim.store.watchCount).toBeGreaterThan(0));
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('watched', { a: '1' }));
    await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/watched',
      { data: { a: '2' } },
      'application/merge-patch+json',
    );
    await call('DELETE', '/api/v1/namespaces/default/configmaps/watched');
    await vi.waitFor(() =>
      expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']),
    );
    expect(events[1]?.object).toMatchObject({ kind: 'ConfigMap', data: { a: '2' } });
    controller.abort();
    await reading;

    // Resuming from the first list's resourceVersion replays the same three changes.
    const replay = await fetch(
      `${served.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    const lines = (await replay.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((line) => line.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });
});

describe('watch with a selector', () => {
  it('reports an object labelled into the selection as ADDED and out of it as DELETED', async () => {
    const rv = (await call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata
      .resourceVersion;
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('labelled', { a: '1' }));
    const label = (tier: string | null) =>
      call(
        'PATCH',
        '/api/v1/namespaces/default/configmaps/labelled',
        { metadata: { labels: { tier } } },
        'application/merge-patch+json',
      );
    await label('front');
    await label('front');
    await label('back');
    const response = await fetch(
      `${served.url}/api/v1/namespaces/default/configmaps?watch=1&labelSelector=tier%3Dfront&resourceVersion=${rv ?? ''}&timeoutSeconds=1`,
    );
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; object: KubeObject });
    expect(lines.map((line) => line.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    await call('DELETE', '/api/v1/namespaces/default/configmaps/labelled');
  });
});

describe('logs', () => {
  it('returns the tail and follows new lines', async () => {
    const pods = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body
      .items as KubeObject[];
    const name = pods[0]?.metadata.name ?? '';
    const tail = await (
      await fetch(`${served.url}/api/v1/namespaces/default/pods/${name}/log?tailLines=2`)
    ).text();
    expect(tail.trim().split('\n')).toHaveLength(2);
    const controller = new AbortController();
    const response = await fetch(
      `${served.url}/api/v1/namespaces/default/pods/${name}/log?follow=true&tailLines=1`,
      { signal: controller.signal },
    );
    let text = '';
    const reading = (async () => {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        text += Buffer.from(chunk).toString();
    })().catch(() => undefined);
    await vi.waitFor(() => expect(text.trim().split('\n').length).toBeGreaterThanOrEqual(3));
    controller.abort();
    await reading;
    expect((await call('GET', '/api/v1/namespaces/default/pods/nope/log')).status).toBe(404);
  });
});

describe('exec', () => {
  type Session = {
    stdout: string;
    stderr: string;
    status: Record<string, unknown> | null;
    socket: WebSocket;
    closed: Promise<void>;
  };

  function open(
    pod: string,
    command: string[],
    flags: string,
    protocol = 'v5.channel.k8s.io',
  ): Session {
    const query = `${command.map((part) => `command=${encodeURIComponent(part)}`).join('&')}&${flags}`;
    const socket = new WebSocket(
      `${served.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/${pod}/exec?${query}`,
      [protocol],
    );
    const session: Session = {
      stdout: '',
      stderr: '',
      status: null,
      socket,
      closed: Promise.resolve(),
    };
    session.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('message', (data: Buffer) => {
      const channel = data[0];
      const text = data.subarray(1).toString();
      if (channel === 1) session.stdout += text;
      if (channel === 2) session.stderr += text;
      if (channel === 3) session.status = JSON.parse(text) as Record<string, unknown>;
    });
    return session;
  }

  async function podName(): Promise<string> {
    const pods = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body
      .items as KubeObject[];
    return pods[0]?.metadata.name ?? '';
  }

  it('runs a command and reports success', async () => {
    const session = open(await podName(), ['echo', 'hello', 'world'], 'stdout=true&stderr=true');
    await session.closed;
    expect(session.stdout).toBe('hello world\n');
    expect(session.status).toMatchObject({ status: 'Success' });
  });

  it('an unknown command exits 127 on the error channel (v4 too)', async () => {
    const session = open(
      await podName(),
      ['frobnicate'],
      'stdout=true&stderr=true',
      'v4.channel.k8s.io',
    );
    await session.closed;
    expect(session.stderr).toBe('sh: frobnicate: not found\n');
    expect(session.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '127' }] },
    });
  });

  it('an interactive tty shell echoes input, runs lines and exits with the given code', async () => {
    const pod = await podName();
    const session = open(pod, ['sh'], 'stdin=true&stdout=true&tty=true');
    await new Promise((resolve) => session.socket.once('open', resolve));
    await vi.waitFor(() => expect(session.stdout).toContain('/ # '));
    session.socket.send(Buffer.concat([Buffer.from([0]), Buffer.from('hostname\r')]));
    await vi.waitFor(() => expect(session.stdout).toContain(`hostname\r\n${pod}\r\n/ # `));
    session.socket.send(Buffer.concat([Buffer.from([0]), Buffer.from('exit 4\r')]));
    await session.closed;
    expect(session.status).toMatchObject({ details: { causes: [{ message: '4' }] } });
  });

  it('refuses an unknown pod and a missing subprotocol before upgrading', async () => {
    const missing = open('nope', ['ls'], 'stdout=true');
    const error = await new Promise<Error>((resolve) => missing.socket.on('error', resolve));
    expect(error.message).toContain('404');
    const wrong = open(await podName(), ['ls'], 'stdout=true', 'channel.k8s.io');
    const refused = await new Promise<Error>((resolve) => wrong.socket.on('error', resolve));
    expect(refused.message).toContain('400');
  });
});
