import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SerialQueue } from '../src/serial-transactions.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

type ClientState = { _activeQuery: unknown; _queryQueue: unknown[] };

/**
 * Prisma loads sibling relations with parallel queries; inside an interactive transaction they
 * share one pg client. `createDb`'s adapter sends a transaction's statements one at a time, so
 * pg never sees a query on a busy client (a DeprecationWarning in pg 8, an error in pg 9).
 */
describe('transactions send one statement at a time', () => {
  let t: TestDatabase;
  const overlaps: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = proto.query;

  beforeAll(async () => {
    t = await createTestDatabase();
    // Record (not only pg's once-per-process warning) every query sent on a busy client.
    proto.query = function counted(this: ClientState, ...args: unknown[]) {
      if (this._activeQuery != null || this._queryQueue.length > 0) {
        const text = args[0] as string | { text?: string };
        overlaps.push(typeof text === 'string' ? text : (text.text ?? '?'));
      }
      return query.apply(this, args);
    };
  });
  afterAll(async () => {
    proto.query = query;
    await t?.drop();
  });

  it('loads three sibling relations in a transaction without overlapping queries', async () => {
    const workspace = await t.db.workspace.create({ data: { slug: 'serial', name: 'Serial' } });
    const read = () =>
      t.db.workspace.findUniqueOrThrow({
        where: { id: workspace.id },
        include: { clusters: true, catalogs: true, clusterTemplates: true, registries: true },
      });
    // Outside a transaction the pool spreads the relation loads over connections.
    const outside = await read();
    expect(overlaps).toEqual([]);
    const inside = await t.db.$transaction(async (tx) => {
      const found = await tx.workspace.findUniqueOrThrow({
        where: { id: workspace.id },
        include: { clusters: true, catalogs: true, clusterTemplates: true, registries: true },
      });
      // A write with an include, and a caller's Promise.all on the transaction client.
      const [renamed, count] = await Promise.all([
        tx.workspace.update({
          where: { id: workspace.id },
          data: { name: 'Serial 2' },
          include: { clusters: true, catalogs: true, registries: true },
        }),
        tx.workspace.count(),
      ]);
      return { found, renamed, count };
    });
    expect(overlaps).toEqual([]);
    expect(inside.found).toEqual(outside);
    expect(inside.renamed.name).toBe('Serial 2');
    expect(inside.count).toBeGreaterThanOrEqual(1);
  });

  it('a failed statement releases the queue: the transaction rolls back, the client is reused', async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await Promise.all([
          tx.$executeRawUnsafe('SELECT 1/0'),
          tx.workspace.findMany({ include: { clusters: true, catalogs: true } }),
        ]);
      }),
    ).rejects.toThrow();
    const after = await t.db.$transaction((tx) => tx.workspace.count());
    expect(after).toBeGreaterThanOrEqual(1);
    expect(overlaps).toEqual([]);
  });
});

describe('SerialQueue', () => {
  it('runs tasks in order, one at a time, past failures', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        running += 1;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`end ${name}`);
        running -= 1;
        if (fail) {
          throw new Error(name);
        }
        return name;
      };
    const results = await Promise.allSettled([
      queue.run(task('a')),
      queue.run(task('b', true)),
      queue.run(task('c')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
      'a',
      'failed',
      'c',
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
