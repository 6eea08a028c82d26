// The generated client (packages/client) against the real API over HTTP: typed calls, the API's
// errors as CommanderApiError, an Idempotency-Key on every POST, waitForCluster.
import {
  CommanderApiError,
  createCommanderClient,
  unwrap,
  waitForCluster,
} from '@commander/client';
import { createTestTemplate } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

describe('the generated client against the API', () => {
  const t = useTestApp();
  let baseUrl = '';
  let versionId = '';
  const sent: Request[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    return fetch(request);
  };

  beforeAll(async () => {
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    versionId = (await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'client' }))
      .versionId;
  });

  it('creates, reads and lists clusters with typed calls, a key on every POST', async () => {
    const client = createCommanderClient({ baseUrl, token: t.token, fetch: recordingFetch });
    const name = `client-${t.suffix}`;
    const created = await unwrap(
      client.POST('/api/v1/clusters/', {
        body: { name, cluster_template_version_id: versionId, values: {} },
      }),
    );
    expect(created.name).toBe(name);
    const post = sent.findLast((r) => r.method === 'POST');
    expect(post?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(post?.headers.get('x-auth-token')).toBe(t.token);

    const read = await unwrap(
      client.GET('/api/v1/clusters/{id}', { params: { path: { id: created.id } } }),
    );
    expect(read.id).toBe(created.id);
    expect(read.status).toBe(created.status);
    const list = await unwrap(client.GET('/api/v1/clusters/', { params: { query: { q: name } } }));
    expect(list.map((c) => c.id)).toEqual([created.id]);
  });

  it('a retry with the same key creates nothing twice', async () => {
    const client = createCommanderClient({ baseUrl, token: t.token });
    const name = `client-retry-${t.suffix}`;
    const once = () =>
      client.POST('/api/v1/clusters/', {
        body: { name, cluster_template_version_id: versionId },
        headers: { 'Idempotency-Key': `client-retry-${t.suffix}` },
      });
    const first = await unwrap(once());
    const { data, response } = await once();
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data?.id).toBe(first.id);
    expect(await t.db.cluster.count({ where: { name } })).toBe(1);
  });

  it('turns refusals into CommanderApiError with the API code', async () => {
    const anonymous = createCommanderClient({ baseUrl });
    const denied = await unwrap(anonymous.GET('/api/v1/clusters/')).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(CommanderApiError);
    expect((denied as CommanderApiError).status).toBe(401);

    const reader = createCommanderClient({
      baseUrl,
      token: await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' }),
    });
    const refused = await unwrap(
      reader.POST('/api/v1/clusters/', {
        body: { name: `client-ro-${t.suffix}`, cluster_template_version_id: versionId },
      }),
    ).catch((e: unknown) => e);
    expect((refused as CommanderApiError).status).toBe(403);
    expect(await t.db.cluster.count({ where: { name: `client-ro-${t.suffix}` } })).toBe(0);

    const client = createCommanderClient({ baseUrl, token: t.token });
    const missing = await unwrap(
      client.GET('/api/v1/clusters/{id}', {
        params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
      }),
    ).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('waitForCluster reports reached, timeout and gone', async () => {
    const client = createCommanderClient({ baseUrl, token: t.token });
    const cluster = await unwrap(
      client.POST('/api/v1/clusters/', {
        body: { name: `client-wait-${t.suffix}`, cluster_template_version_id: versionId },
      }),
    );
    const seen: string[] = [];
    const now = await waitForCluster(client, cluster.id, {
      for: cluster.status,
      timeoutMs: 10_000,
      onProgress: (c) => seen.push(c.status),
    });
    expect(now.outcome).toBe('reached');
    expect(seen).toEqual([cluster.status]);
    // No manager runs here: the install never finishes.
    const never = await waitForCluster(client, cluster.id, { timeoutMs: 50, intervalMs: 10 });
    expect(never.outcome).toBe('timeout');
    const gone = await waitForCluster(client, '00000000-0000-4000-8000-000000000000', {
      for: 'deleted',
      timeoutMs: 1_000,
    });
    expect(gone.outcome).toBe('reached');
  });
});
