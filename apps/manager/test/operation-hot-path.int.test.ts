// The hot path of an operation (issue 11): the one-statement claim, the batched log lines and
// progress, the coalesced change events. No replica runs here, so queued operations stay
// queued until the test claims them, from two "replicas" (two pools, two instance ids).
import {
  type ClaimedOperation,
  claimOperation,
  CLUSTER_BUSY,
  createCluster,
  EVENTS_CHANNEL,
  queueOperation,
} from '@commander/core';
import { createDb, type Db } from '@commander/db';
import type { Progress } from '@commander/dhctl';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OperationRecorder } from '../src/recorder.js';
import { eventually, useManagerEnv } from './helpers.js';

const PHASES = ['Preflight', 'Infrastructure', 'Kubernetes'];

function progress(current: string, completed: string, value: number): Progress {
  return {
    operation: 'Bootstrap',
    progress: value,
    completed_phase: completed,
    current_phase: current,
    next_phase: '',
    completed_sub_phase: '',
    current_sub_phase: '',
    next_sub_phase: '',
    phases: PHASES.map((phase) => ({ phase, sub_phases: [], action: '' })),
  };
}

describe('operation hot path', () => {
  const env = useManagerEnv();
  let seq = 0;
  let replicaA: Db;
  let replicaB: Db;
  let listener: pg.Client;
  const events: { type: string; id: string; action?: string }[] = [];

  beforeAll(async () => {
    replicaA = createDb(env.database.url, { poolSize: 4 });
    replicaB = createDb(env.database.url, { poolSize: 4 });
    listener = new pg.Client({ connectionString: env.database.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload) {
        events.push(JSON.parse(n.payload) as { type: string; id: string; action?: string });
      }
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await replicaA?.$disconnect();
    await replicaB?.$disconnect();
  });

  async function queuedInstall() {
    const cluster = await createCluster(env.ctx, {
      name: `hot${++seq}-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    const op = await env.database.db.clusterOperation.findFirstOrThrow({
      where: { clusterId: cluster.id, kind: 'INSTALL' },
    });
    return { clusterId: cluster.id, operationId: op.id };
  }

  it('a claim is exactly-once under two replicas racing for it', async () => {
    const { clusterId, operationId } = await queuedInstall();
    const attempts = Array.from({ length: 16 }, (_, i) =>
      // Every attempt is another instance (one instance re-claiming its own is a retry).
      claimOperation(
        i % 2 === 0 ? replicaA : replicaB,
        env.deps.encryptor,
        operationId,
        i % 2 === 0 ? 'replica-a' : 'replica-b',
        `instance-${i}`,
      ),
    );
    const results = await Promise.all(attempts);
    const won = results.filter((r): r is ClaimedOperation => r !== null && r !== CLUSTER_BUSY);
    expect(won).toHaveLength(1);
    const winner = won[0]!;
    expect(winner.operation.status).toBe('RUNNING');
    expect(winner.operation.attempt).toBe(1);
    expect(winner.desired).not.toBeNull();
    const row = await env.database.db.clusterOperation.findUniqueOrThrow({
      where: { id: operationId },
    });
    expect(row.status).toBe('RUNNING');
    expect(row.attempt).toBe(1);
    expect(row.managerInstanceId).toBe(winner.operation.managerInstanceId);
    const cluster = await env.database.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(cluster.status).toBe('CREATING');
    expect(
      events.filter(
        (e) => e.type === 'operation' && e.id === operationId && e.action === 'started',
      ),
    ).toHaveLength(1);

    // A retry of its own job claims it again; the other instance gets nothing.
    const mine = winner.operation.managerInstanceId!;
    expect(
      await claimOperation(replicaA, env.deps.encryptor, operationId, 'replica-x', 'instance-x'),
    ).toBeNull();
    const again = await claimOperation(replicaB, env.deps.encryptor, operationId, 'r', mine);
    expect(again).not.toBeNull();
    expect((again as ClaimedOperation).operation.attempt).toBe(2);

    // Another operation of the same cluster waits while this one runs.
    const second = await env.database.db.$transaction((tx) =>
      queueOperation(tx, env.ctx, {
        clusterId,
        workspaceId: cluster.workspaceId,
        kind: 'DELETE',
      }),
    );
    expect(
      await claimOperation(replicaA, env.deps.encryptor, second.id, 'replica-a', 'instance-a'),
    ).toBe(CLUSTER_BUSY);
    const running = await env.database.db.clusterOperation.count({
      where: { clusterId, status: 'RUNNING' },
    });
    expect(running).toBe(1);
  });

  it('two operations of one cluster claimed at once: one runs, the other is busy', async () => {
    const { clusterId, operationId } = await queuedInstall();
    const cluster = await env.database.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    const later = await env.database.db.$transaction((tx) =>
      queueOperation(tx, env.ctx, { clusterId, workspaceId: cluster.workspaceId, kind: 'DELETE' }),
    );
    const [a, b] = await Promise.all([
      claimOperation(replicaA, env.deps.encryptor, later.id, 'replica-a', 'instance-a'),
      claimOperation(replicaB, env.deps.encryptor, operationId, 'replica-b', 'instance-b'),
    ]);
    // The older (the install) goes first; the delete waits for it.
    expect(a).toBe(CLUSTER_BUSY);
    expect(b).not.toBeNull();
    expect(b).not.toBe(CLUSTER_BUSY);
    expect(
      await env.database.db.clusterOperation.count({ where: { clusterId, status: 'RUNNING' } }),
    ).toBe(1);
  });

  it('batched log lines are all stored, in order, with the progress; progress events are coalesced', async () => {
    const { operationId } = await queuedInstall();
    const claimed = await claimOperation(
      replicaA,
      env.deps.encryptor,
      operationId,
      'replica-a',
      'instance-a',
    );
    expect(claimed).not.toBeNull();
    const { masker } = claimed as ClaimedOperation;
    const recorder = new OperationRecorder(replicaA, operationId, masker);
    const progressEventsBefore = events.filter(
      (e) => e.id === operationId && e.action === 'progress',
    ).length;
    const expected: string[] = [];
    let flushes = 0;
    for (let i = 0; i < 70; i++) {
      const lines = Array.from({ length: 7 }, (_, j) => `line ${i * 7 + j + 1}`);
      expected.push(...lines);
      await recorder.log(lines);
      // The same phase, creeping forward, flushed at every step (the most a run could write).
      await recorder.progress(progress('Preflight', '', i / 1000));
      await recorder.flush();
      flushes += 1;
    }
    // A phase change is announced at once.
    await recorder.progress(progress('Infrastructure', 'Preflight', 0.4));
    await recorder.flush();
    await recorder.log(['the last line']);
    expected.push('the last line');
    await recorder.flush();

    const logs = await env.database.db.operationLog.findMany({
      where: { operationId },
      orderBy: { seq: 'asc' },
      select: { seq: true, line: true },
    });
    expect(logs.map((l) => l.line)).toEqual(expected);
    expect(logs.map((l) => l.seq)).toEqual(expected.map((_, i) => i + 1));
    const row = await env.database.db.clusterOperation.findUniqueOrThrow({
      where: { id: operationId },
    });
    expect(row.logCount).toBe(expected.length);
    expect(row.phase).toBe('Infrastructure');
    expect(row.progress).toBeCloseTo(0.4);
    expect((row.phases as { name: string; status: string }[]).map((p) => p.status)).toEqual([
      'completed',
      'running',
      'pending',
    ]);

    // Live listeners heard of the progress, but not once per flush.
    const progressEvents = await eventually(async () => {
      const seen = events.filter((e) => e.id === operationId && e.action === 'progress');
      return seen.length - progressEventsBefore >= 2 ? seen.length - progressEventsBefore : null;
    });
    expect(progressEvents).toBeLessThan(flushes / 4);
  });

  it('lines logged by two writers at once keep distinct sequence numbers', async () => {
    const { operationId } = await queuedInstall();
    const claimed = (await claimOperation(
      replicaA,
      env.deps.encryptor,
      operationId,
      'replica-a',
      'instance-a',
    )) as ClaimedOperation;
    const one = new OperationRecorder(replicaA, operationId, claimed.masker);
    const two = new OperationRecorder(replicaB, operationId, claimed.masker);
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const recorder = i % 2 === 0 ? one : two;
        await recorder.log([`w${i % 2}-${i}`]);
        await recorder.flush();
      }),
    );
    const logs = await env.database.db.operationLog.findMany({
      where: { operationId },
      orderBy: { seq: 'asc' },
    });
    expect(logs.map((l) => l.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(logs.map((l) => l.line)).size).toBe(20);
  });
});
