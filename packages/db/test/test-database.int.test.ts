import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

describe('test databases', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('are migrated: tables and graphile-worker exist', async () => {
    const ws = await t.db.workspace.create({ data: { slug: 'probe', name: 'Probe' } });
    expect(ws.currentRevision).toBe(1);
    const rows = await t.db.$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM graphile_worker.jobs`;
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
