import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  actOnRollout,
  createCluster,
  createRollout,
  createWebhook,
  getRollout,
  type ServiceContext,
} from '@commander/core';
import { TEST_TEMPLATE_PARAMS, TEST_TEMPLATE_SECTIONS } from '@commander/core/testing';
import { generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, installationContext } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A real HTTP receiver of webhook deliveries: the CloudEvent types it got. */
async function startReceiver() {
  const types: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      types.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string }).type);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    types,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The test: a staged rollout of a template version over 20 simulated clusters, run by a
 * real manager process against dhctl-sim over gRPC: waves of 1, 10 % and the rest with a short
 * soak; a converge fault injected (dhctl-sim's control API) in wave 2 pauses the rollout and
 * wave 3 does not start; after resume the failed cluster is converged again and the rollout
 * completes with every cluster on the target version, each changed by one successful update.
 * A webhook receiver gets rollout.paused and rollout.completed.
 */
describe('staged rollout over 20 clusters (real manager process, dhctl-sim)', () => {
  let database: TestDatabase;
  let sim: DhctlSim;
  let ctx: ServiceContext;
  let v1 = '';
  let v2 = '';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const keys = generateEncryptionKeys();
  const output: string[] = [];
  let manager: ChildProcess | null = null;
  const clusterIds: string[] = [];

  function startManager(id: string): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        DHCTL_SERVER_ADDRESS: sim.grpcAddress,
        MANAGER_REPLICA_ID: id,
        MANAGER_HEARTBEAT_MS: '300',
        MANAGER_DEAD_AFTER_MS: '2000',
        MANAGER_RECONCILE_EVERY_MS: '600000',
        ROLLOUT_TICK_MS: '200',
        WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_BASE_MS: '100',
        LOG_LEVEL: 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[${id}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${id}] ${c.toString()}`));
    return child;
  }

  async function simFault(method: string, body?: unknown): Promise<number> {
    const res = await fetch(`${sim.httpUrl}/sim/faults`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDhctlSim({ phaseDelayMs: 0, agents: false });
    ({ ctx, versionId: v1 } = await installationContext(database.db, keys, 'tester'));
    receiver = await startReceiver();
    const version = await database.db.clusterTemplateVersion.findUniqueOrThrow({
      where: { id: v1 },
    });
    // v2 changes what the clusters install besides their own configuration (no destructive
    // change): a converge each.
    v2 = (
      await database.db.clusterTemplateVersion.create({
        data: {
          clusterTemplateId: version.clusterTemplateId,
          number: 2,
          params: TEST_TEMPLATE_PARAMS,
          ...TEST_TEMPLATE_SECTIONS,
          primaryResourcesTemplate: `${TEST_TEMPLATE_SECTIONS.primaryResourcesTemplate}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: rollout-marker
  namespace: default
data:
  version: "2"
`,
          resources: TEST_TEMPLATE_SECTIONS.resources,
        },
      })
    ).id;
    await createWebhook(
      ctx,
      {
        url: receiver.url,
        event_types: [
          'io.commander.rollout.started',
          'io.commander.rollout.paused',
          'io.commander.rollout.resumed',
          'io.commander.rollout.completed',
          'io.commander.rollout.wave.completed',
        ],
      },
      { allowPrivateTargets: true },
    );
    for (let i = 0; i < 20; i++) {
      const created = await createCluster(ctx, {
        name: `fleet-${String(i).padStart(2, '0')}`,
        cluster_template_version_id: v1,
        values: {},
      });
      clusterIds.push(created.id);
    }
    manager = startManager('rollout-a');
    await eventually(
      async () =>
        (await database.db.cluster.count({
          where: { id: { in: clusterIds }, status: 'IN_SYNC' },
        })) === 20,
      120_000,
      '20 clusters installed',
    );
  }, 180_000);

  afterAll(async () => {
    if (process.env.DEBUG_ROLLOUTS) {
      process.stderr.write(output.join(''));
    }
    if (manager && manager.exitCode === null) {
      const exited = once(manager, 'exit');
      manager.kill('SIGTERM');
      await exited;
    }
    await receiver?.close();
    await sim?.stop();
    await database?.drop();
  });

  it('pauses on a failure in wave 2, never starts wave 3, and completes after resume', async () => {
    const plan = await createRollout(ctx, {
      cluster_template_id: (
        await database.db.clusterTemplateVersion.findUniqueOrThrow({
          where: { id: v2 },
        })
      ).clusterTemplateId,
      cluster_template_version_id: v2,
      waves: [{ size: 1 }, { percent: 10 }, { rest: true }],
      soak_seconds: 2,
      dry_run: true,
    });
    expect(plan.dryRun).toBe(true);
    if (!plan.dryRun) {
      return;
    }
    expect(plan.plan.waves.map((w) => w.clusters.length)).toEqual([1, 2, 17]);
    expect(plan.plan.counts).toMatchObject({ total: 20, change: 20, destructive: 0 });

    const created = await createRollout(ctx, {
      cluster_template_id: plan.plan.cluster_template_id,
      cluster_template_version_id: v2,
      waves: [{ size: 1 }, { percent: 10 }, { rest: true }],
      soak_seconds: 2,
    });
    if (created.dryRun) {
      throw new Error('not created');
    }
    const id = created.rollout.id;
    const waveIds = created.rollout.waves.map((w) => w.clusters.map((c) => c.cluster_id));

    // Wave 1's cluster soaks (in sync, healthy) for 2 s before wave 2 may start: the fault is
    // injected then, so wave 1's converge never meets it and wave 2's first converge does.
    await eventually(
      async () => {
        const r = await getRollout(ctx, id);
        expect(r.current_wave, output.join('')).toBe(0);
        return r.waves[0]!.clusters[0]!.state === 'soaking';
      },
      60_000,
      'wave 1 soaking',
    );
    expect(await simFault('POST', { operation: 'Converge', times: 1 })).toBe(201);

    const paused = await eventually(
      async () => {
        const r = await getRollout(ctx, id);
        return r.status === 'paused' ? r : null;
      },
      60_000,
      'the rollout paused',
    );
    expect(paused.current_wave).toBe(1);
    const wave2 = paused.waves[1]!.clusters;
    const failed = wave2.filter((c) => c.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(paused.pause_reason).toContain(failed[0]!.cluster_name);
    expect(paused.pause_reason).toContain('synchronization_failure');
    expect(paused.waves[0]!.status).toBe('completed');

    // The other cluster of wave 2 finishes; wave 3 is never started while paused.
    await eventually(
      async () => {
        const r = await getRollout(ctx, id);
        return r.waves[1]!.clusters.filter((c) => c.state === 'done').length === 1;
      },
      60_000,
      'the rest of wave 2 done',
    );
    const stillPaused = await getRollout(ctx, id);
    expect(stillPaused.status).toBe('paused');
    expect(stillPaused.waves[2]!.clusters.every((c) => c.state === 'pending')).toBe(true);
    const untouched = await database.db.cluster.findMany({ where: { id: { in: waveIds[2] } } });
    expect(untouched.every((c) => c.clusterTemplateVersionId === v1)).toBe(true);
    expect(
      await database.db.clusterOperation.count({
        where: { clusterId: { in: waveIds[2] }, kind: 'UPDATE' },
      }),
    ).toBe(0);

    // Clear the fault, resume: the failed cluster is converged again and the rollout goes on.
    expect(await simFault('DELETE')).toBe(200);
    const resumed = await actOnRollout(ctx, id, 'resume', undefined);
    expect(resumed.status).toBe('running');
    const done = await eventually(
      async () => {
        const r = await getRollout(ctx, id);
        expect(r.status, r.pause_reason ?? '').not.toBe('paused');
        return r.status === 'completed' ? r : null;
      },
      120_000,
      'the rollout completed',
    );
    expect(done.counts).toMatchObject({ total: 20, done: 20, failed: 0, pending: 0 });
    expect(done.current_wave).toBe(3);

    const clusters = await database.db.cluster.findMany({ where: { id: { in: clusterIds } } });
    for (const c of clusters) {
      expect(c.clusterTemplateVersionId).toBe(v2);
      expect(c.status).toBe('IN_SYNC');
      expect(c.appliedRevision).toBe(c.desiredRevision);
    }
    // Each cluster was updated once (one new desired revision) and converged once with
    // success; the failed one had one failed converge before.
    const updates = await database.db.clusterOperation.findMany({
      where: { clusterId: { in: clusterIds }, kind: 'UPDATE' },
    });
    expect(updates.filter((o) => o.status === 'SUCCEEDED')).toHaveLength(20);
    expect(updates.filter((o) => o.status === 'FAILED').map((o) => o.clusterId)).toEqual([
      failed[0]!.cluster_id,
    ]);
    expect(clusters.every((c) => c.desiredRevision === 2)).toBe(true);

    const audit = await database.db.auditEvent.findMany({
      where: { auditableType: 'Rollout', auditableId: id },
      orderBy: { ts: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['create', 'pause', 'resume', 'complete']);

    await eventually(
      async () =>
        receiver.types.includes('io.commander.rollout.paused') &&
        receiver.types.includes('io.commander.rollout.completed'),
      60_000,
      'rollout webhooks delivered',
    );
    expect(receiver.types.filter((t) => t === 'io.commander.rollout.wave.completed')).toHaveLength(
      3,
    );
    expect(receiver.types).toContain('io.commander.rollout.started');
    expect(receiver.types).toContain('io.commander.rollout.resumed');
    expect(
      await database.db.$queryRaw<unknown[]>`
      SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k
        ON k.id = j.task_id WHERE k.identifier = 'rollout/advance'`,
    ).toHaveLength(0);
  }, 240_000);

  it('a manager SIGKILLed during a running rollout: its successor finishes it, each cluster updated once', async () => {
    const base = await database.db.clusterTemplateVersion.findUniqueOrThrow({ where: { id: v2 } });
    const v3 = (
      await database.db.clusterTemplateVersion.create({
        data: {
          clusterTemplateId: base.clusterTemplateId,
          number: 3,
          params: TEST_TEMPLATE_PARAMS,
          ...TEST_TEMPLATE_SECTIONS,
          primaryResourcesTemplate: base.primaryResourcesTemplate.replace('"2"', '"3"'),
          resources: TEST_TEMPLATE_SECTIONS.resources,
        },
      })
    ).id;
    const created = await createRollout(ctx, {
      cluster_template_id: base.clusterTemplateId,
      cluster_template_version_id: v3,
      waves: [{ size: 3 }, { rest: true }],
      soak_seconds: 1,
    });
    if (created.dryRun) {
      throw new Error('not created');
    }
    const id = created.rollout.id;
    // Killed while wave 1 is under way (clusters moved, converges queued or running).
    await eventually(
      async () => (await getRollout(ctx, id)).counts.updating > 0,
      60_000,
      'wave 1 under way',
    );
    const killed = manager!;
    const exited = once(killed, 'exit');
    killed.kill('SIGKILL');
    await exited;
    manager = startManager('rollout-a');

    const done = await eventually(
      async () => {
        const r = await getRollout(ctx, id);
        expect(r.status, r.pause_reason ?? '').not.toBe('paused');
        return r.status === 'completed' ? r : null;
      },
      120_000,
      'the rollout completed after the kill',
    );
    expect(done.counts).toMatchObject({ total: 20, done: 20 });
    const clusters = await database.db.cluster.findMany({ where: { id: { in: clusterIds } } });
    for (const c of clusters) {
      expect(c).toMatchObject({
        clusterTemplateVersionId: v3,
        status: 'IN_SYNC',
        desiredRevision: 3,
        appliedRevision: 3,
      });
    }
    // One update (desired revision 3) per cluster, each applied once.
    const updates = await database.db.clusterOperation.findMany({
      where: { clusterId: { in: clusterIds }, kind: 'UPDATE', desiredRevision: 3 },
    });
    expect(updates).toHaveLength(20);
    expect(updates.every((o) => o.status === 'SUCCEEDED')).toBe(true);
    expect(new Set(updates.map((o) => o.clusterId)).size).toBe(20);
  }, 240_000);
});
