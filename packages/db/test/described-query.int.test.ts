import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { describedQuery } from '../src/hot/described-query.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

const TEXT = `SELECT $1::int AS n, '2026-01-02T03:04:05Z'::timestamptz AS at,
  '{"x": [1, 2]}'::jsonb AS doc, NULL::text AS nothing`;

describe('described queries (row descriptions turned into parsers once)', () => {
  let t: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    t = await createTestDatabase();
    pool = new pg.Pool({ connectionString: t.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await t.drop();
  });

  it('parse every execution like pg does, building the parsers only the first time', async () => {
    const addFields = vi.spyOn(
      (pg as unknown as { Result: { prototype: { addFields: () => void } } }).Result.prototype,
      'addFields',
    );
    try {
      const rows: unknown[][] = [];
      for (let i = 0; i < 5; i++) {
        const result = await describedQuery<unknown[]>(pool, {
          name: 'described_probe',
          text: TEXT,
          values: [i],
          rowMode: 'array',
        });
        expect(result.fields.map((f) => f.name)).toEqual(['n', 'at', 'doc', 'nothing']);
        rows.push(result.rows[0]!);
      }
      expect(rows).toEqual(
        [0, 1, 2, 3, 4].map((i) => [i, new Date('2026-01-02T03:04:05Z'), { x: [1, 2] }, null]),
      );
      const plain = await pool.query({ text: TEXT, values: [7] });
      expect(plain.rows[0]).toEqual({
        n: 7,
        at: new Date('2026-01-02T03:04:05Z'),
        doc: { x: [1, 2] },
        nothing: null,
      });
      // Five described executions (two connections at most) and one plain query.
      expect(addFields.mock.calls.length).toBe(2);
    } finally {
      addFields.mockRestore();
    }
  });

  it('object rows too, and a statement whose columns changed takes the full path again', async () => {
    const first = await describedQuery<Record<string, unknown>>(pool, {
      name: 'described_changing',
      text: 'SELECT $1::int AS a',
      values: [1],
    });
    expect(first.rows).toEqual([{ a: 1 }]);
    // The same name on a new pool (new connections, so pg prepares it again) with other columns:
    // the cached description does not match, pg's own path parses it.
    const other = new pg.Pool({ connectionString: t.url, max: 1 });
    try {
      const second = await describedQuery<Record<string, unknown>>(other, {
        name: 'described_changing',
        text: "SELECT $1::text AS b, 'x'::text AS c",
        values: ['y'],
      });
      expect(second.rows).toEqual([{ b: 'y', c: 'x' }]);
      const third = await describedQuery<Record<string, unknown>>(other, {
        name: 'described_changing',
        text: "SELECT $1::text AS b, 'x'::text AS c",
        values: ['z'],
      });
      expect(third.rows).toEqual([{ b: 'z', c: 'x' }]);
    } finally {
      await other.end();
    }
  });
});
