import { CLUSTER_DTO_INCLUDE, readSecretValues, toClusterDto } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import type { Cluster } from '@commander/db';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/**
 * The hot cluster reads (one prepared statement each, packages/db/src/hot) answer exactly what
 * the Prisma path builds from the same rows, and the list sorts on the server.
 */
describe('cluster reads: hot statements and server-side sorting', () => {
  const t = useTestApp();
  const ids: Record<string, string> = {};

  async function create(name: string, versionId: string): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name, cluster_template_version_id: versionId, values: {} },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  async function setStatus(id: string, status: Cluster['status']): Promise<void> {
    await t.db.cluster.update({ where: { id }, data: { status } });
  }

  async function names(query: string): Promise<{ names: string[]; total: string }> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters${query}`,
      headers: t.headers(),
    });
    expect(res.statusCode).toBe(200);
    return {
      names: res.json<{ name: string }[]>().map((c) => c.name),
      total: String(res.headers['x-total-count']),
    };
  }

  it('creates clusters in several states', async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'reads' });
    for (const name of ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'fox_trot']) {
      ids[name] = await create(name, versionId);
    }
    await setStatus(ids.alpha!, 'IN_SYNC');
    await setStatus(ids.bravo!, 'CREATION_FAILED');
    await setStatus(ids.charlie!, 'CHANGING');
    await setStatus(ids.delta!, 'IN_SYNC');
    await setStatus(ids.echo!, 'SYNCHRONIZATION_FAILURE');
    await setStatus(ids.fox_trot!, 'READY_TO_JOIN');
  });

  it('GET /clusters/:id answers what the Prisma path builds, last operation and template id included', async () => {
    for (const id of Object.values(ids)) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${id}`,
        headers: t.headers(),
      });
      expect(res.statusCode).toBe(200);
      const row = await t.db.cluster.findUniqueOrThrow({
        where: { id },
        include: CLUSTER_DTO_INCLUDE,
      });
      const ctx = t.systemContext();
      const expected = toClusterDto(row, {
        withRendered: true,
        encryptor: ctx.encryptor,
        secretKeys: Object.keys(readSecretValues(ctx, row.secretValuesEncrypted)),
        revealedSecrets: null,
      });
      expect(res.json()).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(res.json().last_operation).toMatchObject({ kind: 'install' });
      expect(res.json().cluster_template_id).not.toBeNull();
    }
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters/00000000-0000-4000-8000-000000000000',
      headers: t.headers(),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('a list item equals the Prisma-built list object', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters?sort=name&limit=100',
      headers: t.headers(),
    });
    const items = res.json<{ id: string }[]>();
    const ctx = t.systemContext();
    for (const item of items) {
      const row = await t.db.cluster.findUniqueOrThrow({
        where: { id: item.id },
        include: CLUSTER_DTO_INCLUDE,
      });
      const expected = toClusterDto(row, {
        withRendered: false,
        encryptor: ctx.encryptor,
        secretKeys: [],
      });
      expect(item).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('sorts on the server: attention by default, fields ascending and descending', async () => {
    // Failures, then changes under way (new included), then the rest; each by name.
    expect((await names('')).names).toEqual([
      'bravo',
      'echo',
      'charlie',
      'alpha',
      'delta',
      'fox_trot',
    ]);
    expect((await names('?sort=name')).names).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'fox_trot',
    ]);
    expect((await names('?sort=-name')).names).toEqual([
      'fox_trot',
      'echo',
      'delta',
      'charlie',
      'bravo',
      'alpha',
    ]);
    // Alphabetical by API status name: changing, creation_failed, in_sync ×2, ready_to_join, synchronization_failure.
    expect((await names('?sort=status')).names).toEqual([
      'charlie',
      'bravo',
      'alpha',
      'delta',
      'fox_trot',
      'echo',
    ]);
    expect((await names('?sort=-status')).names).toEqual([
      'echo',
      'fox_trot',
      'alpha',
      'delta',
      'bravo',
      'charlie',
    ]);
    expect((await names('?sort=created_at')).names).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'fox_trot',
    ]);
    expect((await names('?sort=-created_at')).names[0]).toBe('fox_trot');
    await t.db.cluster.update({ where: { id: ids.charlie! }, data: { isLocked: false } });
    expect((await names('?sort=-updated_at')).names[0]).toBe('charlie');
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters?sort=values',
      headers: t.headers(),
    });
    expect(bad.statusCode).toBe(400);
  });

  it('pages, filters and counts in the same statement', async () => {
    expect(await names('?limit=2&offset=1')).toEqual({ names: ['echo', 'charlie'], total: '6' });
    expect(await names('?limit=2&offset=10')).toEqual({ names: [], total: '6' });
    // The total comes from the page's own scan (a count over the filter before the limit), for a
    // short, a full and a last page alike; a page past the end counts separately.
    expect(await names('?limit=2&offset=5')).toEqual({ names: ['fox_trot'], total: '6' });
    expect((await names('?limit=7')).total).toBe('6');
    expect((await names('?limit=6')).total).toBe('6');
    expect((await names('?limit=5')).total).toBe('6');
    expect(await names('?limit=2&offset=6')).toEqual({ names: [], total: '6' });
    expect(await names('?status=deleted')).toEqual({ names: [], total: '0' });
    expect(await names('?status=in_sync')).toEqual({ names: ['alpha', 'delta'], total: '2' });
    // `_` is a literal underscore, not a LIKE wildcard.
    expect(await names('?q=X_T')).toEqual({ names: ['fox_trot'], total: '1' });
    expect(await names('?q=%25')).toEqual({ names: [], total: '0' });
    const other = await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'reads-other' });
    expect(await names(`?cluster_template_id=${other.templateId}`)).toEqual({
      names: [],
      total: '0',
    });
  });

  it('lists archived clusters after the live ones', async () => {
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/clusters/${ids.alpha!}`,
      headers: t.headers(),
    });
    expect(del.statusCode).toBe(200);
    const all = await names('?sort=name');
    expect(all.names.at(-1)).toBe('alpha');
    expect((await names('?sort=name&without_archived=true')).names).not.toContain('alpha');
  });

  it("names each cluster's template and version number, in the list (both statements) and GET", async () => {
    const { templateId, versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, {
      name: `named-${t.suffix}`,
      number: 4,
    });
    const id = await create(`named-${t.suffix}`, versionId);
    const expected = {
      cluster_template_id: templateId,
      cluster_template_version_id: versionId,
      cluster_template_name: `named-${t.suffix}`,
      cluster_template_version_number: 4,
    };
    for (const url of [
      '/api/v1/clusters?limit=100',
      `/api/v1/clusters?limit=100&q=named-${t.suffix}`,
      `/api/v1/clusters?limit=100&cluster_template_id=${templateId}`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: t.headers() });
      expect(res.json<{ id: string }[]>().find((c) => c.id === id)).toMatchObject(expected);
    }
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${id}`,
      headers: t.headers(),
    });
    expect(one.json()).toMatchObject(expected);
  });

  it("never names another workspace's template to a workspace's token", async () => {
    const other = await t.db.workspace.create({
      data: { slug: `names-${t.suffix}`, name: 'Names' },
    });
    const secret = `secret-template-${t.suffix}`;
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, { name: secret });
    // A row pointing across workspaces (no API path makes one: moving a cluster detaches it).
    const cluster = await t.db.cluster.create({
      data: {
        workspaceId: other.id,
        name: `theirs-${t.suffix}`,
        clusterTemplateVersionId: versionId,
      },
    });
    const token = await t.issueToken({ workspaceId: other.id, scope: 'read' });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: t.headers(token),
    });
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: t.headers(token),
    });
    expect(list.statusCode).toBe(200);
    expect(got.statusCode).toBe(200);
    for (const body of [list.body, got.body]) {
      expect(body).toContain(cluster.id);
      expect(body).not.toContain(secret);
    }
    expect(got.json()).toMatchObject({
      cluster_template_name: null,
      cluster_template_version_number: null,
    });
    // The Prisma path answers the same.
    const row = await t.db.cluster.findUniqueOrThrow({
      where: { id: cluster.id },
      include: CLUSTER_DTO_INCLUDE,
    });
    const dto = toClusterDto(row, { withRendered: false, encryptor: t.systemContext().encryptor });
    expect(dto.cluster_template_name).toBeNull();
    expect(dto.cluster_template_version_number).toBeNull();
  });
});
