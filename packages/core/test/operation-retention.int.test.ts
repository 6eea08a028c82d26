import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { bootstrapInstallation, expireOperations, type OperationRetention } from '../src/index.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-12-10T12:00:00Z');

const POLICY: OperationRetention = {
  inSyncChecksMs: DAY,
  checksMs: 14 * DAY,
  othersMs: 90 * DAY,
  batchSize: 1_000,
  maxBatches: 20,
};

type Kind = 'INSTALL' | 'UPDATE' | 'DELETE' | 'CHECK' | 'ATTACH' | 'DETACH';
type Status = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SUPERSEDED';

/** Operation retention: exactly the policy's expired rows go, with their logs; needed rows stay. */
describe('expireOperations', () => {
  let database: TestDatabase;
  let db: Db;
  let workspaceId = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    workspaceId = (await bootstrapInstallation(db, {})).defaultWorkspaceId!;
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await db.changeRequest.deleteMany({});
    await db.auditEvent.deleteMany({ where: { auditableType: 'ClusterOperation' } });
    await db.clusterOperation.deleteMany({});
    await db.clusterRevision.deleteMany({});
    await db.cluster.deleteMany({});
  });

  async function cluster(name: string): Promise<string> {
    const c = await db.cluster.create({
      data: { workspaceId, name, status: 'IN_SYNC', wasCreated: true },
    });
    return c.id;
  }

  /** An operation `ageMs` before NOW with `lines` log lines. */
  async function op(
    clusterId: string,
    kind: Kind,
    status: Status,
    ageMs: number,
    extra: { inSync?: boolean; lines?: number; desiredRevision?: number } = {},
  ): Promise<string> {
    const createdAt = new Date(NOW.getTime() - ageMs);
    const lines = extra.lines ?? 3;
    const row = await db.clusterOperation.create({
      data: {
        clusterId,
        kind,
        status,
        createdAt,
        finishedAt: ['QUEUED', 'RUNNING'].includes(status) ? null : createdAt,
        desiredRevision: extra.desiredRevision ?? null,
        logCount: lines,
        ...(extra.inSync === undefined
          ? {}
          : { result: { status: extra.inSync ? 'InSync' : 'OutOfSync' } }),
      },
    });
    if (lines > 0) {
      await db.operationLog.createMany({
        data: Array.from({ length: lines }, (_, i) => ({
          operationId: row.id,
          seq: i + 1,
          line: `line ${i + 1}`,
        })),
      });
    }
    return row.id;
  }

  async function remaining(): Promise<Set<string>> {
    const rows = await db.clusterOperation.findMany({ select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  it('deletes exactly the expired operations with their logs and keeps what is still needed', async () => {
    const a = await cluster('ret-a');
    const b = await cluster('ret-b');
    const doomed: string[] = [];
    const kept: string[] = [];
    // In-sync checks: kept a day.
    doomed.push(await op(a, 'CHECK', 'SUCCEEDED', 3 * DAY, { inSync: true }));
    doomed.push(await op(a, 'CHECK', 'SUCCEEDED', 30 * HOUR, { inSync: true }));
    kept.push(await op(a, 'CHECK', 'SUCCEEDED', 20 * HOUR, { inSync: true }));
    // Other checks: kept 14 days.
    kept.push(await op(a, 'CHECK', 'SUCCEEDED', 3 * DAY, { inSync: false }));
    kept.push(await op(a, 'CHECK', 'FAILED', 13 * DAY));
    doomed.push(await op(a, 'CHECK', 'FAILED', 15 * DAY));
    doomed.push(await op(a, 'CHECK', 'CANCELLED', 20 * DAY, { lines: 0 }));
    doomed.push(await op(a, 'CHECK', 'SUPERSEDED', 20 * DAY));
    // A cancelled check the audit log names.
    const audited = await op(a, 'CHECK', 'CANCELLED', 20 * DAY);
    kept.push(audited);
    await db.auditEvent.create({
      data: {
        actorType: 'user',
        actorName: 'u',
        action: 'cancel',
        auditableType: 'ClusterOperation',
        auditableId: audited,
        workspaceId,
      },
    });
    // Other kinds: kept 90 days, but the latest of each kind and a revision on record stay.
    kept.push(await op(a, 'INSTALL', 'SUCCEEDED', 400 * DAY, { desiredRevision: 1 }));
    await db.clusterRevision.create({ data: { clusterId: a, revision: 2 } });
    kept.push(await op(a, 'UPDATE', 'SUCCEEDED', 300 * DAY, { desiredRevision: 2 }));
    doomed.push(await op(a, 'UPDATE', 'SUCCEEDED', 200 * DAY, { desiredRevision: 3 }));
    doomed.push(await op(a, 'UPDATE', 'FAILED', 100 * DAY, { desiredRevision: 4 }));
    // The converge a change request's approval queued.
    const converge = await op(a, 'UPDATE', 'CANCELLED', 150 * DAY);
    kept.push(converge);
    await db.changeRequest.create({
      data: { clusterId: a, status: 'COMPLETED', operationId: converge },
    });
    kept.push(await op(a, 'UPDATE', 'SUCCEEDED', 80 * DAY, { desiredRevision: 5 }));
    doomed.push(await op(a, 'ATTACH', 'FAILED', 120 * DAY));
    kept.push(await op(a, 'ATTACH', 'SUCCEEDED', 110 * DAY));
    // The latest check of the cluster (a running one does not make the finished one expendable:
    // only finished operations count as candidates, a newer one of any status as newer).
    kept.push(await op(a, 'CHECK', 'SUCCEEDED', 10 * 60_000, { inSync: true }));
    // Queued and running operations, however old.
    kept.push(await op(b, 'CHECK', 'QUEUED', 30 * DAY));
    kept.push(await op(b, 'CHECK', 'RUNNING', 31 * DAY));
    // A lone old in-sync check of a cluster no longer checked: its latest check.
    const c = await cluster('ret-c');
    kept.push(await op(c, 'CHECK', 'SUCCEEDED', 40 * DAY, { inSync: true }));
    kept.push(await op(c, 'INSTALL', 'FAILED', 400 * DAY));
    // A replica's current operation (its stale pointer).
    const pointed = await op(c, 'DELETE', 'FAILED', 200 * DAY);
    kept.push(pointed);
    kept.push(await op(c, 'DELETE', 'FAILED', 199 * DAY));
    await db.managerReplica.create({
      data: { id: 'ret-replica', hostname: 'h', pid: 1, currentOperationId: pointed },
    });

    const logsBefore = await db.operationLog.count();
    const result = await expireOperations(db, POLICY, NOW);

    expect(result.operations).toBe(doomed.length);
    expect(result.lines).toBe(3 * (doomed.length - 1));
    expect(result.batches).toBe(1);
    const left = await remaining();
    expect([...left].sort()).toEqual([...kept].sort());
    expect(await db.operationLog.count()).toBe(logsBefore - result.lines);
    expect(await db.operationLog.count({ where: { operationId: { in: doomed } } })).toBe(0);
    // A second run finds nothing.
    expect(await expireOperations(db, POLICY, NOW)).toEqual({
      operations: 0,
      lines: 0,
      batches: 1,
    });
    // Once no replica points at it, the older failed delete goes.
    await db.managerReplica.delete({ where: { id: 'ret-replica' } });
    expect((await expireOperations(db, POLICY, NOW)).operations).toBe(1);
    expect((await remaining()).has(pointed)).toBe(false);
  });

  it('keeps a class forever when its age is 0', async () => {
    const a = await cluster('ret-off');
    const inSync = await op(a, 'CHECK', 'SUCCEEDED', 30 * DAY, { inSync: true });
    const failed = await op(a, 'CHECK', 'FAILED', 20 * DAY);
    const oldUpdate = await op(a, 'UPDATE', 'FAILED', 400 * DAY);
    await op(a, 'UPDATE', 'FAILED', 300 * DAY);
    const latest = await op(a, 'CHECK', 'SUCCEEDED', 60_000, { inSync: true });

    const off = { ...POLICY, inSyncChecksMs: 0, checksMs: 0, othersMs: 0 };
    expect((await expireOperations(db, off, NOW)).operations).toBe(0);
    // In-sync rule off: the in-sync check still falls under the checks' 14 days.
    const checksOnly = { ...POLICY, inSyncChecksMs: 0, othersMs: 0 };
    expect((await expireOperations(db, checksOnly, NOW)).operations).toBe(2);
    const left = await remaining();
    expect(left.has(inSync) || left.has(failed)).toBe(false);
    expect(left.has(oldUpdate)).toBe(true);
    expect(left.has(latest)).toBe(true);
  });

  it('deletes in bounded batches', async () => {
    const a = await cluster('ret-batch');
    for (let i = 0; i < 10; i++) {
      await op(a, 'CHECK', 'SUCCEEDED', 2 * DAY + i * 60_000, { inSync: true, lines: 1 });
    }
    await op(a, 'CHECK', 'SUCCEEDED', 60_000, { inSync: true });
    const small = { ...POLICY, batchSize: 3, maxBatches: 2 };
    expect(await expireOperations(db, small, NOW)).toEqual({
      operations: 6,
      lines: 6,
      batches: 2,
    });
    expect((await remaining()).size).toBe(5);
    // The rest: one full batch, then one short batch ends the run.
    expect(await expireOperations(db, { ...small, maxBatches: 5 }, NOW)).toEqual({
      operations: 4,
      lines: 4,
      batches: 2,
    });
    expect((await remaining()).size).toBe(1);
  });

  it('two concurrent runs delete each row once, beside a running check, without waiting', async () => {
    const ids: string[] = [];
    for (let c = 0; c < 6; c++) {
      ids.push(await cluster(`ret-conc-${c}`));
    }
    const expired = new Set<string>();
    for (const id of ids) {
      for (let i = 0; i < 25; i++) {
        expired.add(await op(id, 'CHECK', 'SUCCEEDED', 2 * DAY + i * 60_000, { inSync: true }));
      }
      await op(id, 'CHECK', 'SUCCEEDED', 5 * 60_000, { inSync: true });
    }
    // A check running on the first cluster holds its rows (cluster, operation, new log lines)
    // in an open transaction, as the manager's completion does.
    const running = await op(ids[0]!, 'CHECK', 'RUNNING', 60_000, { lines: 0 });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE cluster_operations SET log_count = log_count + 1, progress = 0.5 WHERE id = $1`,
        [running],
      );
      await client.query(
        `INSERT INTO operation_logs (operation_id, seq, line) VALUES ($1, 1, 'checking')`,
        [running],
      );
      await client.query(`UPDATE clusters SET next_check_at = now() WHERE id = $1`, [ids[0]]);

      const small = { ...POLICY, batchSize: 7, maxBatches: 100 };
      const runs = await Promise.all([
        expireOperations(db, small, NOW),
        expireOperations(db, small, NOW),
        expireOperations(db, small, NOW),
      ]);
      await client.query('COMMIT');
      const deleted = runs.reduce((n, r) => n + r.operations, 0);
      // Each run stops when another holds the lock; whatever is left, the next run takes.
      const after = await expireOperations(db, small, NOW);
      expect(deleted + after.operations).toBe(expired.size);
      const left = await remaining();
      expect(left.size).toBe(ids.length + 1);
      expect([...expired].some((id) => left.has(id))).toBe(false);
      expect(left.has(running)).toBe(true);
      expect(await db.operationLog.count({ where: { operationId: running } })).toBe(1);
    } finally {
      await client.end();
    }
  });
});
