import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  bootstrapInstallation,
  checkClusterNow,
  EVENTS_CHANNEL,
  scheduleDueChecks,
  type ServiceContext,
  silentLogger,
} from '../src/index.js';

/** The reconcile scheduler queues every due check of a pass in a few statements. */
describe('scheduleDueChecks (batched)', () => {
  let database: TestDatabase;
  let db: Db;
  let ctx: ServiceContext;
  let workspaceId = '';
  let listener: pg.Client;
  const events: { id: string; cluster_id: string; action: string; type: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const boot = await bootstrapInstallation(db, {});
    workspaceId = boot.defaultWorkspaceId!;
    ctx = {
      db,
      actor: { type: 'system', id: null, name: 'system' },
      workspace: null,
      permissions: new Set(),
      log: silentLogger,
      encryptor: createEncryptor(generateEncryptionKeys()),
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: boot.commanderUuid,
      },
      auditSink: () => undefined,
    };
    listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (message) => {
      events.push(JSON.parse(message.payload ?? '{}') as (typeof events)[number]);
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await database?.drop();
  });
  beforeEach(async () => {
    await db.clusterOperation.deleteMany({});
    await db.cluster.deleteMany({});
    await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
    events.length = 0;
  });

  async function clusters(
    count: number,
    prefix: string,
    data: Partial<{ status: 'IN_SYNC' | 'NEW'; nextCheckAt: Date | null; archivedAt: Date }> = {},
  ): Promise<string[]> {
    await db.cluster.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        workspaceId,
        name: `${prefix}-${i}`,
        status: 'IN_SYNC' as const,
        wasCreated: true,
        nextCheckAt: new Date(Date.now() - 60_000 + i),
        ...data,
      })),
    });
    return (
      await db.cluster.findMany({
        where: { name: { startsWith: `${prefix}-` } },
        select: { id: true },
      })
    ).map((c) => c.id);
  }

  async function checkJobs(): Promise<string[]> {
    const rows = await db.$queryRaw<{ op: string }[]>`
      SELECT j.payload->>'operationId' AS op FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'cluster/check' AND j.max_attempts = 5`;
    return rows.map((r) => r.op);
  }

  async function eventually(check: () => boolean, what: string): Promise<void> {
    await vi.waitFor(
      () => {
        if (!check()) {
          throw new Error(`timed out waiting for ${what}`);
        }
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  it('queues one check, one job and one event per due cluster, and skips the rest', async () => {
    const due = await clusters(40, 'due');
    const never = await clusters(1, 'never', { nextCheckAt: null });
    const later = await clusters(3, 'later', { nextCheckAt: new Date(Date.now() + 600_000) });
    const fresh = await clusters(2, 'new', { status: 'NEW' });
    const archived = await clusters(2, 'archived', { archivedAt: new Date() });
    const busy = await clusters(2, 'busy');
    for (const [i, clusterId] of busy.entries()) {
      await db.clusterOperation.create({
        data: { clusterId, kind: 'UPDATE', status: i === 0 ? 'QUEUED' : 'RUNNING' },
      });
    }
    const expected = [...due, ...never];

    expect(await scheduleDueChecks(ctx)).toBe(expected.length);

    const ops = await db.clusterOperation.findMany({ where: { kind: 'CHECK' } });
    expect(ops.map((o) => o.clusterId).sort()).toEqual([...expected].sort());
    for (const op of ops) {
      expect(op).toMatchObject({ status: 'QUEUED', requestedByType: 'system' });
    }
    expect((await checkJobs()).sort()).toEqual(ops.map((o) => o.id).sort());
    const rows = await db.cluster.findMany({ select: { id: true, nextCheckAt: true } });
    for (const row of rows) {
      expect(row.nextCheckAt === null, row.id).toBe(expected.includes(row.id));
    }
    for (const id of [...later, ...fresh, ...archived, ...busy]) {
      expect(ops.some((o) => o.clusterId === id)).toBe(false);
    }
    await eventually(() => events.length >= expected.length, 'the queued events');
    expect(events.map((e) => e.id).sort()).toEqual(ops.map((o) => o.id).sort());
    for (const event of events) {
      expect(event).toMatchObject({ type: 'operation', action: 'queued' });
      expect(ops.find((o) => o.id === event.id)?.clusterId).toBe(event.cluster_id);
    }

    // A second pass finds nothing: every due cluster has its check waiting.
    expect(await scheduleDueChecks(ctx)).toBe(0);
    expect(await checkJobs()).toHaveLength(expected.length);
  });

  it('queues at most `limit` per pass, the most overdue first', async () => {
    const due = await clusters(25, 'due');
    expect(await scheduleDueChecks(ctx, 10)).toBe(10);
    const first = await db.clusterOperation.findMany({ where: { kind: 'CHECK' } });
    const firstClusters = await db.cluster.findMany({
      where: { id: { in: first.map((o) => o.clusterId) } },
      select: { name: true },
    });
    // due-0 … due-9 were due earliest.
    expect(firstClusters.map((c) => c.name).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `due-${i}`).sort(),
    );
    expect(await scheduleDueChecks(ctx, 10)).toBe(10);
    expect(await scheduleDueChecks(ctx, 10)).toBe(5);
    expect(await scheduleDueChecks(ctx, 10)).toBe(0);
    const ops = await db.clusterOperation.findMany({ where: { kind: 'CHECK' } });
    expect(new Set(ops.map((o) => o.clusterId)).size).toBe(due.length);
    expect(await checkJobs()).toHaveLength(due.length);
  });

  it('two replicas scheduling at once queue each check once', async () => {
    const due = await clusters(60, 'due');
    const counts = await Promise.all([scheduleDueChecks(ctx), scheduleDueChecks(ctx)]);
    const again = await scheduleDueChecks(ctx);
    expect(counts[0] + counts[1] + again).toBe(due.length);
    const ops = await db.clusterOperation.findMany({ where: { kind: 'CHECK' } });
    expect(ops).toHaveLength(due.length);
    expect(new Set(ops.map((o) => o.clusterId)).size).toBe(due.length);
  });

  it('check now: one statement queues the operation, its job, its event and the audit; a second waits on the first', async () => {
    const [clusterId] = await clusters(1, 'now', { nextCheckAt: new Date(Date.now() + 600_000) });
    const lines: Record<string, unknown>[] = [];
    const userCtx: ServiceContext = {
      ...ctx,
      actor: { type: 'user', id: null, name: 'someone@example.com' },
      workspace: { id: workspaceId, slug: 'default' },
      auditSink: (line) => lines.push(line),
    };
    const first = await checkClusterNow(userCtx, clusterId!);
    const second = await checkClusterNow(userCtx, clusterId!);

    expect(second.id).toBe(first.id);
    const ops = await db.clusterOperation.findMany({ where: { clusterId } });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      id: first.id,
      kind: 'CHECK',
      status: 'QUEUED',
      requestedByType: 'user',
      requestedByName: 'someone@example.com',
    });
    expect(await checkJobs()).toEqual([first.id]);
    await eventually(() => events.length >= 1, 'the queued event');
    expect(events).toEqual([
      {
        type: 'operation',
        id: first.id,
        workspace_id: workspaceId,
        cluster_id: clusterId,
        action: 'queued',
      },
    ]);
    // Both requests are audited (rows and lines), as the general path did.
    const audits = await db.auditEvent.findMany({
      where: { auditableId: clusterId, action: 'check' },
    });
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({
      workspaceId,
      workspaceSlug: 'default',
      actorType: 'user',
      actorName: 'someone@example.com',
      auditableType: 'Cluster',
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ action: 'check', auditable_id: clusterId, tags: ['audit'] });
  });
});
