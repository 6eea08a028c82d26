import {
  approveChangeRequest,
  attachCluster,
  checkClusterNow,
  createCluster,
  detachCluster,
  getCluster,
  joinCluster,
  listChangeRequests,
  retryCluster,
  scheduleDueChecks,
  updateCluster,
  updateClusterSettings,
} from '@commander/core';
import { dhctlStateUuid } from '@commander/dhctl';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { eventually, simApi, useManagerEnv } from './helpers.js';

describe('cluster lifecycle through dhctl-sim', () => {
  const env = useManagerEnv();
  let seq = 0;

  beforeAll(async () => {
    await env.startReplica();
  });

  async function waitStatus(id: string, status: string, timeoutMs = 30_000) {
    return eventually(
      async () => {
        const c = await getCluster(env.ctx, id, { includeArchived: true });
        return c.status === status ? c : null;
      },
      timeoutMs,
      `status ${status}`,
    );
  }

  async function readyCluster(name = `c${++seq}-${env.suffix}`) {
    const created = await createCluster(env.ctx, {
      name,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    await waitStatus(created.id, 'in_sync');
    return created;
  }

  async function simUuid(clusterId: string): Promise<string> {
    const row = await env.database.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    return dhctlStateUuid(env.deps.encryptor.decrypt(row.dhctlStateEncrypted!))!;
  }

  async function storedState(clusterId: string): Promise<string | null> {
    const row = await env.database.db.cluster.findUniqueOrThrow({
      where: { id: clusterId },
      select: { dhctlStateEncrypted: true },
    });
    return row.dhctlStateEncrypted;
  }

  async function lastOp(clusterId: string, kind: string) {
    return env.database.db.clusterOperation.findFirstOrThrow({
      where: { clusterId, kind: kind as never },
      orderBy: { createdAt: 'desc' },
    });
  }

  it('check of an untouched cluster: InSync, stays in_sync', async () => {
    const c = await readyCluster();
    const stateBefore = await storedState(c.id);
    const op = await checkClusterNow(env.ctx, c.id);
    expect(op.kind).toBe('check');
    await eventually(
      async () => (await lastOp(c.id, 'CHECK')).status === 'SUCCEEDED',
      20_000,
      'check done',
    );
    expect((await lastOp(c.id, 'CHECK')).result).toMatchObject({ status: 'InSync' });
    expect((await getCluster(env.ctx, c.id)).status).toBe('in_sync');
    // dhctl handed back the state it was given: the stored ciphertext is kept, not rewritten.
    const stateAfter = await storedState(c.id);
    expect(env.deps.encryptor.decrypt(stateAfter!)).toBe(env.deps.encryptor.decrypt(stateBefore!));
    expect(stateAfter).toBe(stateBefore);
  });

  it('a check in sync writes its last log lines and its completion in one statement', async () => {
    const c = await readyCluster();
    const named: string[] = [];
    let completionLines: unknown;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was below
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as { name?: unknown; values?: unknown[] } | string;
      if (typeof config === 'object' && typeof config.name === 'string') {
        named.push(config.name);
        if (config.name === 'commander_complete_check_in_sync') {
          completionLines = config.values?.[8];
        }
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    let op: { id: string };
    try {
      op = await checkClusterNow(env.ctx, c.id);
      await eventually(
        async () => (await lastOp(c.id, 'CHECK')).status === 'SUCCEEDED',
        20_000,
        'check done',
      );
    } finally {
      pg.Client.prototype.query = original;
    }
    const row = await env.database.db.clusterOperation.findUniqueOrThrow({ where: { id: op.id } });
    const logs = await env.database.db.operationLog.findMany({
      where: { operationId: op.id },
      orderBy: { seq: 'asc' },
    });
    // Every line stored, numbered 1..n, the verdict last; the progress complete.
    expect(logs.map((l) => l.seq)).toEqual(logs.map((_, i) => i + 1));
    expect(row.logCount).toBe(logs.length);
    expect(logs[0]?.line).toContain('Checking cluster');
    expect(logs.at(-1)?.line).toBe('Check result: InSync');
    expect(row.progress).toBe(1);
    expect((row.phases as { status: string }[]).every((p) => p.status !== 'running')).toBe(true);
    // The claim, then ONE statement for the last flush and the completion: the verdict's line
    // goes with the completion (no flush of its own, no separate ownership read).
    expect(completionLines).toEqual(expect.arrayContaining(['Check result: InSync']));
    const mine = named.filter((n) => n.startsWith('commander_'));
    expect(mine.filter((n) => n === 'commander_claim_operation')).toHaveLength(1);
    expect(mine.filter((n) => n === 'commander_complete_check_in_sync')).toHaveLength(1);
    expect(mine).not.toContain('commander_operation_held');
    expect(mine.at(-1)).toBe('commander_unlock_cluster_read_operation');
    expect(mine.at(-2)).toBe('commander_complete_check_in_sync');
  });

  it('non-destructive drift in auto mode: check finds OutOfSync and converges back to in_sync', async () => {
    const c = await readyCluster();
    const drift = await simApi(env, 'POST', `/sim/clusters/${await simUuid(c.id)}/drift`, {
      destructive: false,
    });
    expect(drift.status).toBe(200);
    await checkClusterNow(env.ctx, c.id);
    await eventually(
      async () => (await lastOp(c.id, 'UPDATE')).status === 'SUCCEEDED',
      30_000,
      'converge',
    );
    expect((await lastOp(c.id, 'CHECK')).result).toMatchObject({ status: 'OutOfSync' });
    expect((await lastOp(c.id, 'UPDATE')).result).toMatchObject({ status: 'Converged' });
    await waitStatus(c.id, 'in_sync');
  });

  it('non-destructive drift in manual mode: pending_changes until a change request is approved', async () => {
    const c = await readyCluster();
    await updateClusterSettings(env.ctx, c.id, { change_mode: 'manual' });
    await simApi(env, 'POST', `/sim/clusters/${await simUuid(c.id)}/drift`, { destructive: false });
    await checkClusterNow(env.ctx, c.id);
    await waitStatus(c.id, 'pending_changes');
    const [request] = await listChangeRequests(env.ctx, { clusterId: c.id, status: 'pending' });
    expect(request).toMatchObject({ destructive: false, status: 'pending' });
    expect(
      await env.database.db.clusterOperation.count({ where: { clusterId: c.id, kind: 'UPDATE' } }),
    ).toBe(0);
    await approveChangeRequest(env.ctx, request!.id);
    await expect(approveChangeRequest(env.ctx, request!.id)).rejects.toMatchObject({
      code: 'already_approved',
    });
    await waitStatus(c.id, 'in_sync');
    const [done] = await listChangeRequests(env.ctx, { clusterId: c.id });
    expect(done?.status).toBe('completed');
    await expect(approveChangeRequest(env.ctx, request!.id)).rejects.toMatchObject({
      code: 'already_completed',
    });
  });

  it('destructive drift: a change request with the destructive change id; approval converges with it', async () => {
    const c = await readyCluster();
    await simApi(env, 'POST', `/sim/clusters/${await simUuid(c.id)}/drift`, { destructive: true });
    await checkClusterNow(env.ctx, c.id);
    await waitStatus(c.id, 'destructive_changes');
    const [request] = await listChangeRequests(env.ctx, { clusterId: c.id, status: 'pending' });
    expect(request?.destructive).toBe(true);
    expect(request?.destructive_change_id).toMatch(/^[0-9a-f]{64}$/);
    expect(request?.diff.cluster_configuration?.desired).toContain('ClusterConfiguration');
    await approveChangeRequest(env.ctx, request!.id);
    await waitStatus(c.id, 'in_sync');
    const update = await lastOp(c.id, 'UPDATE');
    expect(update.approveDestructionChangeId).toBe(request!.destructive_change_id);
    expect(update.result).toMatchObject({ status: 'Converged' });
  });

  it('changed values converge; a destructive change waits for approval; immutable values stay', async () => {
    const c = await readyCluster();
    const current = await getCluster(env.ctx, c.id);
    const updated = await updateCluster(env.ctx, c.id, {
      name: c.name,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: { kubeVersion: '1.34' },
      current_revision: current.current_revision,
    });
    expect(['out_of_sync', 'changing', 'in_sync']).toContain(updated.status);
    await expect(
      updateCluster(env.ctx, c.id, {
        name: c.name,
        cluster_template_version_id: env.defaultTemplateVersionId,
        values: {},
        current_revision: current.current_revision,
      }),
    ).rejects.toMatchObject({ code: 'stale_revision' });
    await eventually(
      async () => (await lastOp(c.id, 'UPDATE')).status === 'SUCCEEDED',
      30_000,
      'converge',
    );
    const ready = await waitStatus(c.id, 'in_sync');
    expect(ready.applied_cluster_configuration_rendered).toContain('"1.34"');

    await updateCluster(env.ctx, c.id, {
      name: c.name,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: { kubeVersion: '1.34', podSubnetCIDR: '10.112.0.0/16' },
    });
    await waitStatus(c.id, 'destructive_changes');
    const [request] = await listChangeRequests(env.ctx, { clusterId: c.id, status: 'pending' });
    expect((await lastOp(c.id, 'UPDATE')).result).toMatchObject({
      status: 'NeedApproveForDestructiveChange',
    });
    await approveChangeRequest(env.ctx, request!.id);
    const done = await waitStatus(c.id, 'in_sync');
    expect(done.applied_cluster_configuration_rendered).toContain('10.112.0.0/16');
    await expect(
      updateCluster(env.ctx, c.id, {
        name: c.name,
        cluster_template_version_id: env.defaultTemplateVersionId,
        values: { kubeVersion: '1.34', podSubnetCIDR: '10.113.0.0/16' },
      }),
    ).rejects.toMatchObject({ code: 'immutable_field' });
  });

  it('switching to another template version is an update', async () => {
    const c = await readyCluster();
    const db = env.database.db;
    const base = await db.clusterTemplateVersion.findUniqueOrThrow({
      where: { id: env.defaultTemplateVersionId },
    });
    const { id: _id, number: _n, createdAt: _c, updatedAt: _u, ...content } = base;
    const v2 = await db.clusterTemplateVersion.create({
      data: {
        ...content,
        params: content.params as never,
        resources: content.resources as never,
        number: base.number + 100 + seq,
        kubernetesTemplate: base.kubernetesTemplate.replace('default "1.33"', 'default "1.32"'),
      },
    });
    await updateCluster(env.ctx, c.id, {
      name: c.name,
      cluster_template_version_id: v2.id,
      values: {},
    });
    await eventually(
      async () => (await lastOp(c.id, 'UPDATE')).status === 'SUCCEEDED',
      30_000,
      'converge',
    );
    const ready = await waitStatus(c.id, 'in_sync');
    expect(ready.cluster_template_version_id).toBe(v2.id);
    expect(ready.applied_cluster_configuration_rendered).toContain('"1.32"');
  });

  it('a failed install phase gives creation_failed; retry resumes and reaches in_sync', async () => {
    const fault = await simApi(env, 'POST', '/sim/faults', {
      operation: 'Bootstrap',
      phase: 'InstallDeckhouse',
      times: 1,
    });
    expect(fault.status).toBe(201);
    const created = await createCluster(env.ctx, {
      name: `fail-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    await waitStatus(created.id, 'creation_failed');
    const failed = await lastOp(created.id, 'INSTALL');
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBeTruthy();
    expect(
      (failed.phases as { name: string; status: string }[]).find(
        (p) => p.name === 'InstallDeckhouse',
      )?.status,
    ).toBe('failed');
    const retry = await retryCluster(env.ctx, created.id);
    expect(retry.kind).toBe('install');
    await waitStatus(created.id, 'in_sync');
    const logs = await env.database.db.operationLog.findMany({ where: { operationId: retry.id } });
    expect(logs.length).toBeGreaterThan(0);
  });

  it('scheduler queues one check per due cluster, never two', async () => {
    const c = await readyCluster();
    await env.database.db.cluster.updateMany({
      data: { nextCheckAt: new Date(Date.now() + 3_600_000) },
    });
    await env.database.db.cluster.update({
      where: { id: c.id },
      data: { nextCheckAt: new Date(Date.now() - 1000) },
    });
    const first = await scheduleDueChecks(env.ctx);
    expect(first).toBe(1);
    expect(await scheduleDueChecks(env.ctx)).toBe(0);
    await eventually(
      async () => (await lastOp(c.id, 'CHECK')).status === 'SUCCEEDED',
      20_000,
      'scheduled check',
    );
    const after = await env.database.db.cluster.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.nextCheckAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('attach a pre-existing cluster: ready_to_join, join → in_sync; detach archives it', async () => {
    const host = `10.9.${seq}.${Math.floor(Math.random() * 200) + 10}`;
    const pre = await simApi(env, 'POST', '/sim/clusters', {
      host,
      cluster_type: 'Static',
      kubernetes_version: '1.32',
    });
    expect(pre.status).toBe(201);
    const attached = await attachCluster(env.ctx, {
      name: `att-${env.suffix}`,
      connection_config: `apiVersion: dhctl.deckhouse.io/v1\nkind: SSHConfig\nsshUser: ubuntu\nsshPort: 22\nsshAgentPrivateKeys:\n  - key: dummy\n---\napiVersion: dhctl.deckhouse.io/v1\nkind: SSHHost\nhost: ${host}\n`,
    });
    expect(attached.status).toBe('new');
    const scanned = await waitStatus(attached.id, 'ready_to_join');
    expect(scanned.desired_cluster_configuration_rendered).toContain('1.32');
    await joinCluster(env.ctx, attached.id);
    await waitStatus(attached.id, 'in_sync');
    const simCluster = await simApi(env, 'GET', `/sim/clusters/${String(pre.json.uuid)}`);
    expect(JSON.stringify(simCluster.json)).toContain(env.deps.instance.commanderUuid);
    await detachCluster(env.ctx, attached.id);
    await waitStatus(attached.id, 'detached');
    await expect(getCluster(env.ctx, attached.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses to attach a cluster managed by another Commander', async () => {
    const host = `10.8.${seq}.${Math.floor(Math.random() * 200) + 10}`;
    await simApi(env, 'POST', '/sim/clusters', {
      host,
      cluster_type: 'Static',
      kubernetes_version: '1.33',
      owner: '11111111-2222-4333-8444-555555555555',
    });
    const attached = await attachCluster(env.ctx, {
      name: `other-${env.suffix}`,
      connection_config: `apiVersion: dhctl.deckhouse.io/v1\nkind: SSHConfig\nsshUser: ubuntu\nsshAgentPrivateKeys:\n  - key: dummy\n---\napiVersion: dhctl.deckhouse.io/v1\nkind: SSHHost\nhost: ${host}\n`,
    });
    await eventually(
      async () => (await lastOp(attached.id, 'ATTACH')).status === 'FAILED',
      20_000,
      'attach failure',
    );
    expect((await lastOp(attached.id, 'ATTACH')).error).toMatch(/another commander/i);
    expect((await getCluster(env.ctx, attached.id)).status).toBe('new');
  });
});
