import { createTestTemplate } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/** Recovery actions: archive without cleanup, rollback, restore of archived items. */
describe('recovery actions API', () => {
  const t = useTestApp();
  let versionId = '';
  let readToken = '';
  let otherToken = '';

  beforeAll(async () => {
    versionId = (await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'recovery' }))
      .versionId;
    readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const ws = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: t.headers(t.globalToken),
      payload: { name: 'Other', slug: `other-${t.suffix}` },
    });
    expect(ws.statusCode).toBe(201);
    otherToken = await t.issueToken({ workspaceId: ws.json().id });
  });

  async function createCluster(name: string): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name, cluster_template_version_id: versionId, values: {} },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  const post = (url: string, token?: string | null) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: token === null ? {} : t.headers(token),
    });

  /** The common refusals: no credentials 401, read token 403, another workspace 403/404. */
  async function expectAuthRefusals(url: string): Promise<void> {
    expect((await post(url, null)).statusCode).toBe(401);
    expect((await post(url, readToken)).statusCode).toBe(403);
    expect([403, 404]).toContain((await post(url, otherToken)).statusCode);
  }

  describe('archive without cleanup', () => {
    it('archives a cluster whose deletion failed and releases its inventory records', async () => {
      const id = await createCluster(`failed-${t.suffix}`);
      const catalog = await t.db.catalog.create({
        data: { workspaceId: t.defaultWorkspaceId, name: 'Hosts', slug: `hosts-${t.suffix}` },
      });
      const record = await t.db.record.create({
        data: { catalogId: catalog.id, values: { ip: '10.0.0.1' }, clusterId: id },
      });
      await t.db.clusterOperation.updateMany({
        where: { clusterId: id },
        data: { status: 'FAILED', finishedAt: new Date() },
      });
      await t.db.cluster.update({
        where: { id },
        data: { status: 'DELETION_FAILED', wasCreated: true },
      });
      const url = `/api/v1/clusters/${id}/archive_without_cleanup`;
      await expectAuthRefusals(url);

      const res = await post(url);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, status: 'deleted' });
      const row = await t.db.cluster.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe('DELETED');
      expect(row.archivedAt).not.toBeNull();
      expect((await t.db.record.findUniqueOrThrow({ where: { id: record.id } })).clusterId).toBe(
        null,
      );
      // No destroy operation was queued: the infrastructure is left alone.
      const ops = await t.db.clusterOperation.findMany({ where: { clusterId: id } });
      expect(ops.filter((o) => o.kind === 'DELETE')).toHaveLength(0);
      const audit = await t.db.auditEvent.findFirst({
        where: { auditableId: id, action: 'archive_without_cleanup' },
      });
      expect(audit).not.toBeNull();
      const get = await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${id}`,
        headers: t.headers(),
      });
      expect(get.statusCode).toBe(404);
      // Archived already: not found for the action either.
      expect((await post(url)).statusCode).toBe(404);
    });

    it('is refused (409) in other states and while an operation runs', async () => {
      const id = await createCluster(`healthy-${t.suffix}`);
      const url = `/api/v1/clusters/${id}/archive_without_cleanup`;
      const wrong = await post(url);
      expect(wrong.statusCode).toBe(409);
      expect(wrong.json().error.code).toBe('invalid_state');

      await t.db.cluster.update({
        where: { id },
        data: { status: 'DELETION_FAILED', wasCreated: true },
      });
      await t.db.clusterOperation.updateMany({
        where: { clusterId: id },
        data: { status: 'RUNNING', startedAt: new Date() },
      });
      const running = await post(url);
      expect(running.statusCode).toBe(409);
      expect(running.json().error.code).toBe('operation_in_progress');
      expect((await t.db.cluster.findUniqueOrThrow({ where: { id } })).archivedAt).toBeNull();
    });
  });

  describe('rollback', () => {
    /** A cluster installed at revision 1 (kubeVersion 1.29) whose revision 2 (1.30) failed. */
    async function failedConverge(name: string, mode: 'auto' | 'manual'): Promise<string> {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: {
          name,
          cluster_template_version_id: versionId,
          values: { kubeVersion: '1.29', adminPassword: 'first-secret' },
          settings: { change_mode: mode },
        },
      });
      expect(res.statusCode).toBe(201);
      const id = res.json().id as string;
      await t.db.clusterOperation.updateMany({
        where: { clusterId: id },
        data: { status: 'SUCCEEDED', finishedAt: new Date() },
      });
      await t.db.cluster.update({
        where: { id },
        data: { status: 'IN_SYNC', wasCreated: true, appliedRevision: 1 },
      });
      const put = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/clusters/${id}`,
        headers: t.headers(),
        payload: {
          name,
          cluster_template_version_id: versionId,
          values: { kubeVersion: '1.30', adminPassword: 'second-secret' },
        },
      });
      expect(put.statusCode).toBe(200);
      expect((await t.db.cluster.findUniqueOrThrow({ where: { id } })).desiredRevision).toBe(2);
      await t.db.clusterOperation.updateMany({
        where: { clusterId: id, status: 'QUEUED' },
        data: { status: 'FAILED', finishedAt: new Date() },
      });
      await t.db.changeRequest.updateMany({
        where: { clusterId: id, status: 'PENDING' },
        data: { status: 'REJECTED' },
      });
      await t.db.cluster.update({
        where: { id },
        data: { status: 'SYNCHRONIZATION_FAILURE' },
      });
      return id;
    }

    it('queues a converge to the last applied configuration (auto mode)', async () => {
      const id = await failedConverge(`rb-auto-${t.suffix}`, 'auto');
      const url = `/api/v1/clusters/${id}/rollback`;
      await expectAuthRefusals(url);

      const res = await post(url);
      expect(res.statusCode).toBe(200);
      const row = await t.db.cluster.findUniqueOrThrow({ where: { id } });
      expect(row.desiredRevision).toBe(3);
      expect(row.values).toMatchObject({ kubeVersion: '1.29' });
      expect(row.status).toBe('OUT_OF_SYNC');
      const secrets = await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${id}?reveal=true`,
        headers: t.headers(),
      });
      expect(JSON.stringify(secrets.json())).toContain('first-secret');
      const queued = await t.db.clusterOperation.findMany({
        where: { clusterId: id, status: 'QUEUED' },
      });
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ kind: 'UPDATE', desiredRevision: 3 });
      const audit = await t.db.auditEvent.findFirst({
        where: { auditableId: id, action: 'rollback' },
      });
      expect(audit).not.toBeNull();
    });

    it('opens a change request in manual change mode', async () => {
      const id = await failedConverge(`rb-manual-${t.suffix}`, 'manual');
      const res = await post(`/api/v1/clusters/${id}/rollback`);
      expect(res.statusCode).toBe(200);
      const row = await t.db.cluster.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe('PENDING_CHANGES');
      const requests = await t.db.changeRequest.findMany({
        where: { clusterId: id, status: 'PENDING' },
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]!.desiredRevision).toBe(3);
      expect(
        await t.db.clusterOperation.count({ where: { clusterId: id, status: 'QUEUED' } }),
      ).toBe(0);
    });

    it('is refused (409) without an earlier applied revision or while an operation runs', async () => {
      const fresh = await createCluster(`rb-new-${t.suffix}`);
      const none = await post(`/api/v1/clusters/${fresh}/rollback`);
      expect(none.statusCode).toBe(409);
      expect(none.json().error.code).toBe('invalid_state');

      const id = await failedConverge(`rb-busy-${t.suffix}`, 'auto');
      const op = await t.db.clusterOperation.findFirstOrThrow({ where: { clusterId: id } });
      await t.db.clusterOperation.update({
        where: { id: op.id },
        data: { status: 'RUNNING', finishedAt: null },
      });
      const busy = await post(`/api/v1/clusters/${id}/rollback`);
      expect(busy.statusCode).toBe(409);
      expect(busy.json().error.code).toBe('operation_in_progress');
      await t.db.clusterOperation.update({
        where: { id: op.id },
        data: { status: 'SUCCEEDED', finishedAt: new Date() },
      });

      // The revision's template version is gone from the workspace (e.g. the cluster moved).
      const moved = await failedConverge(`rb-moved-${t.suffix}`, 'auto');
      const other = await t.db.workspace.findFirstOrThrow({
        where: { slug: `other-${t.suffix}` },
      });
      const foreign = await createTestTemplate(t.db, other.id, { name: 'foreign' });
      await t.db.clusterRevision.update({
        where: { clusterId_revision: { clusterId: moved, revision: 1 } },
        data: { clusterTemplateVersionId: foreign.versionId },
      });
      const gone = await post(`/api/v1/clusters/${moved}/rollback`);
      expect(gone.statusCode).toBe(409);
      expect(gone.json().error.code).toBe('invalid_state');
      expect((await t.db.cluster.findUniqueOrThrow({ where: { id: moved } })).desiredRevision).toBe(
        2,
      );

      // In sync at the only applied revision on record: nothing earlier to return to.
      const synced = await createCluster(`rb-synced-${t.suffix}`);
      await t.db.clusterOperation.updateMany({
        where: { clusterId: synced },
        data: { status: 'SUCCEEDED', finishedAt: new Date() },
      });
      await t.db.cluster.update({
        where: { id: synced },
        data: { status: 'IN_SYNC', wasCreated: true, appliedRevision: 1 },
      });
      const nothing = await post(`/api/v1/clusters/${synced}/rollback`);
      expect(nothing.statusCode).toBe(409);
      expect(nothing.json().error.code).toBe('invalid_state');
    });
  });

  describe('restore', () => {
    it('restores an archived template; a live namesake answers 409', async () => {
      const { templateId } = await createTestTemplate(t.db, t.defaultWorkspaceId, {
        name: `tpl-${t.suffix}`,
      });
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/cluster_templates/${templateId}`,
        headers: t.headers(),
      });
      expect(del.statusCode).toBe(200);
      const url = `/api/v1/cluster_templates/${templateId}/restore`;
      await expectAuthRefusals(url);

      const { templateId: namesake } = await createTestTemplate(t.db, t.defaultWorkspaceId, {
        name: `tpl-${t.suffix}`,
      });
      const taken = await post(url);
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.code).toBe('name_taken');
      await t.db.clusterTemplate.delete({ where: { id: namesake } });

      const res = await post(url);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: templateId, archived_at: null });
      // Not archived any more: restoring again is refused.
      expect((await post(url)).statusCode).toBe(409);
    });

    it('restores an archived catalog with its records; a live slug answers 409', async () => {
      const slug = `cat-${t.suffix}`;
      const catalog = await t.db.catalog.create({
        data: { workspaceId: t.defaultWorkspaceId, name: 'Cat', slug },
      });
      const record = await t.db.record.create({
        data: { catalogId: catalog.id, values: { ip: '10.0.0.2' } },
      });
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/catalogs/${catalog.id}`,
        headers: t.headers(),
      });
      expect(del.statusCode).toBe(200);
      const url = `/api/v1/catalogs/${catalog.id}/restore`;
      await expectAuthRefusals(url);

      const live = await t.db.catalog.create({
        data: { workspaceId: t.defaultWorkspaceId, name: 'Cat 2', slug },
      });
      const taken = await post(url);
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.code).toBe('slug_taken');
      await t.db.catalog.delete({ where: { id: live.id } });

      const res = await post(url);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: catalog.id, archived_at: null });
      expect((await t.db.record.findUniqueOrThrow({ where: { id: record.id } })).archivedAt).toBe(
        null,
      );
    });

    it('restores an archived record; a live record with the same unique value answers 409', async () => {
      const catalog = await t.db.catalog.create({
        data: {
          workspaceId: t.defaultWorkspaceId,
          name: 'Unique',
          slug: `uniq-${t.suffix}`,
          params: [{ key: 'ip', type: 'string', title: 'IP', unique: true }],
        },
      });
      const record = await t.db.record.create({
        data: { catalogId: catalog.id, values: { ip: '10.0.0.3' } },
      });
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/records/${record.id}`,
        headers: t.headers(),
      });
      expect(del.statusCode).toBe(200);
      const url = `/api/v1/records/${record.id}/restore`;
      await expectAuthRefusals(url);

      const clash = await t.db.record.create({
        data: { catalogId: catalog.id, values: { ip: '10.0.0.3' } },
      });
      const conflict = await post(url);
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json().error.code).toBe('conflict');
      await t.db.record.delete({ where: { id: clash.id } });

      const res = await post(url);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: record.id, archived_at: null });
    });
  });
});
