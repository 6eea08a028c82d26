import { type Db, sqlPool } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { bootstrapInstallation, EVENTS_CHANNEL, TelemetryIngest } from '../src/index.js';

const SAMPLE = {
  cpu_cores: 8,
  memory_bytes: 32e9,
  storage_bytes: 400e9,
  node_count: 3,
  components: [{ name: 'deckhouse', availability: 1 }],
  alerts: [],
};

type Overview = { source: string; data: { reported_at: string; metrics: { node_count: number } } };

/**
 * The telemetry write-behind buffer against a real PostgreSQL: a sample is answered once its
 * INSERT has committed; the clusters' snapshots follow (newest per cluster), then their change
 * events.
 */
describe('TelemetryIngest', () => {
  let database: TestDatabase;
  let db: Db;
  let workspaceId = '';
  /** Other connections: what any reader sees. */
  let reader: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    workspaceId = (await bootstrapInstallation(db, {})).defaultWorkspaceId!;
    reader = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await reader?.end();
    await database?.drop();
  });

  async function clusters(prefix: string, n: number): Promise<string[]> {
    await db.cluster.createMany({
      data: Array.from({ length: n }, (_, i) => ({ workspaceId, name: `${prefix}-${i}` })),
    });
    const rows = await db.cluster.findMany({
      where: { name: { startsWith: `${prefix}-` } },
      select: { id: true },
      orderBy: { name: 'asc' },
    });
    return rows.map((r) => r.id);
  }

  /** A pool whose snapshot statements wait until `open()` (the samples' statements never do). */
  function gatedPool(): { pool: pg.Pool; open: () => void; snapshotStatements: () => number } {
    const pool = sqlPool(db);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let count = 0;
    const gated = {
      query: async (config: pg.QueryConfig) => {
        if (config.name === 'commander_telemetry_snapshots') {
          count++;
          await gate;
        }
        return pool.query(config);
      },
    } as unknown as pg.Pool;
    return { pool: gated, open, snapshotStatements: () => count };
  }

  const storedSamples = async (clusterId: string): Promise<number[]> =>
    (
      await reader.query<{ node_count: number }>(
        'SELECT node_count FROM telemetry_samples WHERE cluster_id = $1 ORDER BY node_count',
        [clusterId],
      )
    ).rows.map((r) => r.node_count);

  const overview = async (clusterId: string): Promise<Overview['data'] | null> => {
    const { rows } = await reader.query<{ agent_data: Overview[] | null; agent_status: string }>(
      'SELECT agent_data, agent_status FROM clusters WHERE id = $1',
      [clusterId],
    );
    return rows[0]?.agent_data?.find((d) => d.source === 'overview')?.data ?? null;
  };

  it('answers a sample once it is committed, without waiting for its snapshot; the snapshot and then its change event follow', async () => {
    const [id] = await clusters('ack', 1);
    const { pool, open, snapshotStatements } = gatedPool();
    const ingest = new TelemetryIngest(pool);
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    // What a reader woken by the change event sees.
    const seenAtEvent: (Overview['data'] | null)[] = [];
    listener.on('notification', (n) => {
      if (n.payload?.includes(id!)) {
        void overview(id!).then((o) => seenAtEvent.push(o));
      }
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
    try {
      await ingest.submit({ id: id! }, { ...SAMPLE, node_count: 5 });
      // Durable when answered: another connection reads it, while the snapshot still waits.
      expect(await storedSamples(id!)).toEqual([5]);
      expect(await overview(id!)).toBeNull();
      await vi.waitFor(() => expect(snapshotStatements()).toBe(1), { interval: 10 });
      open();
      await ingest.settled();
      expect((await overview(id!))?.metrics.node_count).toBe(5);
      await vi.waitFor(() => expect(seenAtEvent).toHaveLength(1), { interval: 20 });
      expect(seenAtEvent[0]?.metrics.node_count).toBe(5);
    } finally {
      await ingest.close();
      await listener.end();
    }
  });

  it('keeps the newest sample as the snapshot when samples of a cluster come in consecutive batches out of order', async () => {
    const [a, b] = await clusters('order', 2);
    const newer = new Date(Date.now() - 60_000);
    const older = new Date(Date.now() - 120_000);
    // 1. The stored snapshot is newer than a snapshot written after it: the statement keeps it.
    {
      const { pool, open, snapshotStatements } = gatedPool();
      const ingest = new TelemetryIngest(pool);
      await ingest.submit({ id: a! }, { ...SAMPLE, node_count: 2, ts: newer.toISOString() });
      await vi.waitFor(() => expect(snapshotStatements()).toBe(1), { interval: 10 });
      // Its own batch, committed while the first snapshot statement is held.
      await ingest.submit({ id: a! }, { ...SAMPLE, node_count: 1, ts: older.toISOString() });
      open();
      await ingest.close();
      expect(snapshotStatements()).toBe(2);
      expect(await storedSamples(a!)).toEqual([1, 2]);
      const o = await overview(a!);
      expect(o?.metrics.node_count).toBe(2);
      expect(o?.reported_at).toBe(newer.toISOString());
    }
    // 2. Both wait for the same snapshot statement (the writer busy with another cluster): the
    //    newest of the cluster is what waits.
    {
      const [other] = await clusters('order-other', 1);
      const { pool, open, snapshotStatements } = gatedPool();
      const ingest = new TelemetryIngest(pool);
      await ingest.submit({ id: other! }, SAMPLE);
      await vi.waitFor(() => expect(snapshotStatements()).toBe(1), { interval: 10 });
      await ingest.submit({ id: b! }, { ...SAMPLE, node_count: 2, ts: newer.toISOString() });
      await ingest.submit({ id: b! }, { ...SAMPLE, node_count: 1, ts: older.toISOString() });
      open();
      await ingest.close();
      expect(snapshotStatements()).toBe(2);
      expect(await storedSamples(b!)).toEqual([1, 2]);
      expect((await overview(b!))?.metrics.node_count).toBe(2);
    }
  });

  it('writes every accepted sample, snapshot and poll on close, then refuses', async () => {
    const ids = await clusters('close', 30);
    const ingest = new TelemetryIngest(sqlPool(db), { lingerMs: 50, maxInFlight: 2 });
    const [polled] = await clusters('close-poll', 1);
    ingest.markSeen(polled!);
    const accepted = ids.flatMap((id, i) => [
      ingest.submit(
        { id },
        { ...SAMPLE, node_count: i, ts: new Date(Date.now() - 1000).toISOString() },
      ),
      ingest.submit({ id }, { ...SAMPLE, node_count: 100 + i }),
    ]);
    await ingest.close();
    await expect(Promise.all(accepted)).resolves.toHaveLength(60);
    for (const [i, id] of ids.entries()) {
      expect(await storedSamples(id)).toEqual([i, 100 + i]);
      expect((await overview(id))?.metrics.node_count).toBe(100 + i);
    }
    const { rows } = await reader.query<{ agent_status: string | null }>(
      'SELECT agent_status FROM clusters WHERE id = $1',
      [polled],
    );
    expect(rows[0]?.agent_status).toBe('online');
    expect(() => ingest.submit({ id: ids[0]! }, SAMPLE)).toThrow(/shutting down/);
  });
});
