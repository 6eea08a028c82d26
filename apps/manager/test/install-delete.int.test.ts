import { createCluster, deleteCluster, getCluster } from '@commander/core';
import { dhctlStateUuid } from '@commander/dhctl';
import { describe, expect, it } from 'vitest';

import { eventually, useManagerEnv } from './helpers.js';

describe('install and delete through dhctl-sim', () => {
  const env = useManagerEnv();

  it('installs a cluster (new → creating → in_sync) with logs, phases and state, then deletes it', async () => {
    await env.startReplica();
    const created = await createCluster(env.ctx, {
      name: `alpha-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    expect(created.status).toBe('new');

    const ready = await eventually(
      async () => {
        const c = await getCluster(env.ctx, created.id);
        return c.status === 'in_sync' ? c : null;
      },
      30_000,
      'in_sync',
    );
    expect(ready.was_created).toBe(true);
    expect(ready.applied_cluster_configuration_rendered).toContain('ClusterConfiguration');

    const statuses = env.auditLines
      .filter(
        (l) => l.auditable_id === created.id && (l.audited_changes as { status?: unknown }).status,
      )
      .map((l) => (l.audited_changes as { status: [string, string] | string }).status);
    expect(statuses).toContainEqual(['creating', 'in_sync']);

    const db = env.database.db;
    const op = await db.clusterOperation.findFirstOrThrow({
      where: { clusterId: created.id, kind: 'INSTALL' },
    });
    expect(op).toMatchObject({
      status: 'SUCCEEDED',
      progress: 1,
      attempt: 1,
      managerReplicaId: 'test-replica-1',
    });
    const phases = op.phases as { name: string; status: string }[];
    expect(phases.map((p) => p.name)).toContain('InstallDeckhouse');
    expect(
      phases.filter((p) => p.status !== 'skipped').every((p) => p.status === 'completed'),
    ).toBe(true);
    expect(phases.find((p) => p.name === 'BaseInfra')?.status).toBe('skipped');
    const logs = await db.operationLog.findMany({
      where: { operationId: op.id },
      orderBy: { seq: 'asc' },
    });
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.map((l) => l.seq)).toEqual(logs.map((_, i) => i + 1));
    const row = await db.cluster.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.dhctlStateEncrypted).toMatch(/^\{"p":/);
    // The install's end (one statement): the operation closed, the cluster created with what
    // was installed, its first check scheduled, its agent key stored, the transition audited.
    expect(op.finishedAt).not.toBeNull();
    expect(op.phaseStateEncrypted).toBeNull();
    expect(row).toMatchObject({ appliedRevision: row.desiredRevision, wasCreated: true });
    expect(row.appliedRenderedEncrypted).not.toBeNull();
    expect(row.agentKeyEncrypted).not.toBeNull();
    expect(row.nextCheckAt!.getTime()).toBeGreaterThan(op.finishedAt!.getTime());
    const audits = await db.auditEvent.findMany({
      where: { auditableId: created.id, action: 'update' },
    });
    expect(audits.map((a) => a.changes)).toContainEqual({
      status: ['creating', 'in_sync'],
      event: 'install_succeeded',
    });
    const simUuid = dhctlStateUuid(env.deps.encryptor.decrypt(row.dhctlStateEncrypted!));
    expect(simUuid).not.toBeNull();
    expect(env.sim.clusters.get(simUuid!)).toMatchObject({
      status: 'ready',
      ownerCommanderUuid: env.deps.instance.commanderUuid,
    });

    const deleting = await deleteCluster(env.ctx, created.id);
    expect(deleting.status).toBe('delete');
    await expect(deleteCluster(env.ctx, created.id)).rejects.toMatchObject({
      code: 'already_deleted',
    });
    await eventually(
      async () =>
        (await db.cluster.findUniqueOrThrow({ where: { id: created.id } })).status === 'DELETED',
      30_000,
      'deleted',
    );
    await expect(getCluster(env.ctx, created.id)).rejects.toMatchObject({ code: 'not_found' });
    const archived = await db.cluster.findUniqueOrThrow({ where: { id: created.id } });
    expect(archived.archivedAt).not.toBeNull();
    expect(archived.archiveNumber).toBe(1);
    expect(env.sim.clusters.get(simUuid!)).toBeNull();
  });
});
