import { createTestTemplate } from '@commander/core/testing';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

let testVersionId: string | null = null;

/** A simple template (all values optional) created once for this file. */
async function presetVersionId(t: ReturnType<typeof useTestApp>): Promise<string> {
  testVersionId ??= (await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'api-test' }))
    .versionId;
  return testVersionId;
}

describe('clusters API', () => {
  const t = useTestApp();

  it('refuses calls without a token, with a bad token, and global tokens inside workspaces', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/clusters' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: { 'x-auth-token': 'nope' },
    });
    expect(bad.statusCode).toBe(401);
    const global = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: t.headers(t.globalToken),
    });
    expect(global.statusCode).toBe(403);
    expect(global.json().error.code).toBe('forbidden');
  });

  it('creates a cluster in status new with its install queued in the same transaction', async () => {
    const versionId = await presetVersionId(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name: `edge-${t.suffix}`, cluster_template_version_id: versionId, values: {} },
    });
    expect(res.statusCode).toBe(201);
    const cluster = res.json();
    expect(cluster).toMatchObject({
      name: `edge-${t.suffix}`,
      status: 'new',
      was_created: false,
      cluster_type: 'static',
    });
    expect(cluster.desired_cluster_configuration_rendered).toContain('kind: ClusterConfiguration');
    expect(cluster.connection_hosts.masters).toEqual([{ host: '10.0.1.10', user: 'ubuntu' }]);
    const jobs = await t.queuedJobs('cluster/install');
    const ops = await t.db.clusterOperation.findMany({ where: { clusterId: cluster.id } });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: 'INSTALL', status: 'QUEUED' });
    expect(jobs.map((j) => j.payload)).toContainEqual({ operationId: ops[0]!.id });

    const get = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: t.headers(),
    });
    expect(get.statusCode).toBe(200);
    expect(get.json().last_operation).toMatchObject({ kind: 'install', status: 'queued' });

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: t.headers(),
    });
    expect(list.statusCode).toBe(200);
    expect(list.headers['x-total-count']).toBe('1');
    expect(list.json().map((c: { id: string }) => c.id)).toEqual([cluster.id]);

    const ops2 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${cluster.id}/operations`,
      headers: t.headers(),
    });
    expect(ops2.json()[0]).toMatchObject({ kind: 'install', status: 'queued', progress: 0 });
  });

  it('answers 409 name_taken for a duplicate live name', async () => {
    const versionId = await presetVersionId(t);
    const payload = { name: `dup-${t.suffix}`, cluster_template_version_id: versionId, values: {} };
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/clusters',
          headers: t.headers(),
          payload,
        })
      ).statusCode,
    ).toBe(201);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('name_taken');
  });

  it('rejects unknown fields, wrong types and unknown ids with documented codes', async () => {
    const versionId = await presetVersionId(t);
    const unknownField = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name: 'x1', cluster_template_version_id: versionId, values: {}, colour: 'blue' },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.code).toBe('validation_failed');
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name: 42, cluster_template_version_id: versionId },
    });
    expect(wrongType.statusCode).toBe(400);
    const unknownVersion = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: 'x2',
        cluster_template_version_id: '6f1c2d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f',
        values: {},
      },
    });
    expect(unknownVersion.statusCode).toBe(404);
    expect(unknownVersion.json().error.code).toBe('not_found');
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters/6f1c2d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f',
      headers: t.headers(),
    });
    expect(missing.statusCode).toBe(404);
    const malformed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters/not-a-uuid',
      headers: t.headers(),
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('read-only tokens cannot write', async () => {
    const readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: t.headers(readToken),
    });
    expect(list.statusCode).toBe(200);
    const versionId = await presetVersionId(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(readToken),
      payload: { name: 'ro', cluster_template_version_id: versionId, values: {} },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('read_only_token');
  });

  it('deletes a never-installed cluster at once: 404 afterwards, archived in the list', async () => {
    const versionId = await presetVersionId(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name: `gone-${t.suffix}`, cluster_template_version_id: versionId, values: {} },
    });
    const id = created.json().id as string;
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/clusters/${id}`,
      headers: t.headers(),
    });
    expect(del.statusCode).toBe(200);
    expect(del.json().status).toBe('deleted');
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${id}`, headers: t.headers() }))
        .statusCode,
    ).toBe(404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: t.headers(),
    });
    const archived = list.json().find((c: { id: string }) => c.id === id);
    expect(archived).toMatchObject({ status: 'deleted' });
    expect(archived.archived_at).not.toBeNull();
    const live = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters?without_archived=true',
      headers: t.headers(),
    });
    expect(live.json().some((c: { id: string }) => c.id === id)).toBe(false);
    const op = await t.db.clusterOperation.findFirst({ where: { clusterId: id } });
    expect(op?.status).toBe('CANCELLED');
  });

  it('prints every change as an audit line and stores it', async () => {
    const rows = await t.db.auditEvent.findMany({
      where: { auditableType: 'Cluster', action: 'create' },
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(
      t.auditLines.some(
        (l) => (l.tags as string[]).includes('audit') && l.auditable_type === 'Cluster',
      ),
    ).toBe(true);
  });
});
