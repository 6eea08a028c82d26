import { createTestTemplate } from '@commander/core/testing';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/** Idempotency-Key on POSTs, ETag and If-Match on revisioned objects (issue 16, safe retries). */
describe('safe retries', () => {
  const t = useTestApp();
  let versionId: string | null = null;
  const version = async () =>
    (versionId ??= (await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'retries' }))
      .versionId);

  const create = async (name: string, key?: string, token = t.token) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: { ...t.headers(token), ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: { name, cluster_template_version_id: await version(), values: {} },
    });
  const count = (name: string) => t.db.cluster.count({ where: { name } });

  it('a retried create with the same key answers the first answer and creates one cluster', async () => {
    const name = `retry-${t.suffix}`;
    const first = await create(name, `key-1-${t.suffix}`);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await create(name, `key-1-${t.suffix}`);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.json()).toEqual(first.json());
    expect(await count(name)).toBe(1);
    // Without a key the same request acts again (and meets the taken name).
    const plain = await create(name);
    expect(plain.statusCode).toBe(409);
    expect(plain.json().error.code).toBe('name_taken');
  });

  it('concurrent identical requests with one key: exactly one cluster, every caller the same answer', async () => {
    const name = `burst-${t.suffix}`;
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => create(name, `burst-key-${t.suffix}`)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(await count(name)).toBe(1);
    expect(await t.db.clusterOperation.count({ where: { cluster: { name } } })).toBe(1);
  });

  it('the same key with another body, or on another URL, is refused with 422', async () => {
    const key = `reuse-${t.suffix}`;
    expect((await create(`reuse-a-${t.suffix}`, key)).statusCode).toBe(201);
    const other = await create(`reuse-b-${t.suffix}`, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    expect(await count(`reuse-b-${t.suffix}`)).toBe(0);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth_tokens',
      headers: { ...t.headers(t.globalToken), 'idempotency-key': key },
      payload: { name: 'x', workspace_id: t.defaultWorkspaceId, scope: 'read' },
    });
    // Another caller: another key space, so this one acts.
    expect(elsewhere.statusCode).toBe(201);
  });

  it("keys are per caller: another token's identical request acts on its own", async () => {
    const key = `shared-${t.suffix}`;
    const name = `percaller-${t.suffix}`;
    const other = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'write' });
    expect((await create(name, key)).statusCode).toBe(201);
    const second = await create(name, key, other);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('name_taken');
  });

  it('refuses malformed keys, and a read token never reaches the key store', async () => {
    for (const key of ['', 'x'.repeat(256), 'with space', 'ключ']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: { ...t.headers(), 'idempotency-key': encodeURIComponent(key) === key ? key : key },
        payload: { name: `bad-key-${t.suffix}`, cluster_template_version_id: await version() },
      });
      expect(res.statusCode, key).toBe(400);
    }
    expect(await count(`bad-key-${t.suffix}`)).toBe(0);
    const reader = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const before = await t.db.idempotencyKey.count();
    const refused = await create(`reader-${t.suffix}`, `reader-${t.suffix}`, reader);
    expect(refused.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: { 'idempotency-key': `anon-${t.suffix}` },
      payload: {},
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await t.db.idempotencyKey.count()).toBe(before);
  });

  it('keeps answers encrypted: a token shown once is not stored in the clear', async () => {
    const key = `token-${t.suffix}`;
    const issue = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth_tokens',
        headers: { ...t.headers(t.globalToken), 'idempotency-key': key },
        payload: { name: `ci-${t.suffix}`, workspace_id: t.defaultWorkspaceId, scope: 'read' },
      });
    const first = await issue();
    expect(first.statusCode).toBe(201);
    const secret = first.json().token as string;
    const replay = await issue();
    expect(replay.json().token).toBe(secret);
    expect(await t.db.authToken.count({ where: { name: `ci-${t.suffix}` } })).toBe(1);
    const rows = await t.db.idempotencyKey.findMany({ where: { key } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('ETag on a cluster, If-Match on its update: 412 when stale, acts when current', async () => {
    const created = await create(`etag-${t.suffix}`);
    const id = created.json().id as string;
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${id}`,
      headers: t.headers(),
    });
    const revision = read.json().current_revision as number;
    expect(read.headers.etag).toBe(`"${revision}"`);
    let n = 0;
    const put = async (ifMatch: string, body: Record<string, unknown> = {}) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/clusters/${id}`,
        headers: { ...t.headers(), 'if-match': ifMatch },
        payload: {
          name: `etag-${t.suffix}-${++n}`,
          cluster_template_version_id: await version(),
          values: {},
          ...body,
        },
      });
    const stale = await put(`"${revision + 5}"`);
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('precondition_failed');
    expect((await put(`W/"${revision}"`)).statusCode).toBe(412);
    expect((await put(`"${revision}"`, { current_revision: revision + 1 })).statusCode).toBe(412);
    const ok = await put(`"${revision}"`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe(`"${revision + 1}"`);
    // The old tag is stale now.
    expect((await put(`"${revision}"`)).statusCode).toBe(412);
    expect((await put('*')).statusCode).toBe(200);
  });

  it('If-Match where it is not supported is refused, not ignored', async () => {
    const created = await create(`nomatch-${t.suffix}`);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/clusters/${created.json().id}/settings`,
      headers: { ...t.headers(), 'if-match': '"1"' },
      payload: { change_mode: 'manual' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('ETag and If-Match on templates and records too', async () => {
    const templates = await t.app.inject({
      method: 'GET',
      url: '/api/v1/cluster_templates',
      headers: t.headers(),
    });
    const template = templates.json()[0] as { id: string; current_revision: number };
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_templates/${template.id}`,
      headers: t.headers(),
    });
    expect(got.headers.etag).toBe(`"${got.json().current_revision}"`);
    const catalog = await t.app.inject({
      method: 'POST',
      url: '/api/v1/catalogs',
      headers: t.headers(),
      payload: {
        name: 'Etag',
        slug: `etag-${t.suffix}`,
        params: [{ key: 'ip', type: 'string', title: 'IP' }],
        resources: [{ values: { ip: '10.0.0.1' } }],
      },
    });
    expect(catalog.statusCode).toBe(201);
    const records = await t.app.inject({
      method: 'GET',
      url: `/api/v1/records?catalog_id=${catalog.json().id}`,
      headers: t.headers(),
    });
    const record = records.json()[0] as { id: string; current_revision: number };
    const stale = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/records/${record.id}`,
      headers: { ...t.headers(), 'if-match': `"${record.current_revision + 1}"` },
      payload: { values: { ip: '10.0.0.2' } },
    });
    expect(stale.statusCode).toBe(412);
    const fresh = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/records/${record.id}`,
      headers: { ...t.headers(), 'if-match': `"${record.current_revision}"` },
      payload: { values: { ip: '10.0.0.2' } },
    });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe(`"${record.current_revision + 1}"`);
  });
});
