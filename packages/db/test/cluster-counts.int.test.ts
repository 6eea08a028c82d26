import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { poolOf } from '../src/client.js';
import {
  type ClusterListQuery,
  type ClusterListSort,
  HotClusterQueries,
} from '../src/hot/clusters.js';
import { REPO_ROOT } from '../src/migrate.js';
import { quoteIdent, withDatabase } from '../src/server.js';
import {
  createTestDatabase,
  injectedTestDatabase,
  type TestDatabase,
} from '../src/testing/index.js';

const MIGRATION = '20261212100000_workspace_cluster_counts';
const MIGRATIONS = path.join(REPO_ROOT, 'prisma/migrations');

type Counts = Record<string, { live: number; archived: number }>;

/** The kept counts (rows of zero left out: a workspace whose clusters all went keeps its row). */
async function keptCounts(q: pg.Pool | pg.Client): Promise<Counts> {
  const { rows } = await q.query<{ workspace_id: string; live: number; archived: number }>(
    `SELECT workspace_id, live, archived FROM workspace_cluster_counts
     WHERE live <> 0 OR archived <> 0`,
  );
  return Object.fromEntries(
    rows.map((r) => [r.workspace_id, { live: r.live, archived: r.archived }]),
  );
}

/** The counts as `count(*)` finds them. */
async function countedCounts(q: pg.Pool | pg.Client): Promise<Counts> {
  const { rows } = await q.query<{ workspace_id: string; live: number; archived: number }>(
    `SELECT workspace_id, count(*) FILTER (WHERE archived_at IS NULL)::int AS live,
            count(*) FILTER (WHERE archived_at IS NOT NULL)::int AS archived
     FROM clusters GROUP BY workspace_id`,
  );
  return Object.fromEntries(
    rows.map((r) => [r.workspace_id, { live: r.live, archived: r.archived }]),
  );
}

async function expectCountsExact(q: pg.Pool | pg.Client): Promise<Counts> {
  const counted = await countedCounts(q);
  expect(await keptCounts(q)).toEqual(counted);
  return counted;
}

async function createWorkspace(q: pg.Pool | pg.Client, slug: string): Promise<string> {
  const id = randomUUID();
  await q.query(`INSERT INTO workspaces (id, slug, name, updated_at) VALUES ($1, $2, $2, now())`, [
    id,
    slug,
  ]);
  return id;
}

/** Inserts `n` live clusters named `<prefix>-<i>` in one statement; returns their ids. */
async function insertClusters(
  q: pg.Pool | pg.PoolClient | pg.Client,
  workspaceId: string,
  prefix: string,
  n: number,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO clusters (workspace_id, name, updated_at)
     SELECT $1, $2 || '-' || lpad(i::text, 4, '0'), now() FROM generate_series(1, $3::int) i
     RETURNING id`,
    [workspaceId, prefix, n],
  );
  return rows.map((r) => r.id);
}

/** Archives a cluster as `archiveCluster` in core does (archive date and number). */
async function archive(q: pg.Pool | pg.Client, id: string): Promise<void> {
  await q.query(
    `UPDATE clusters SET status = 'DELETED', archived_at = now(),
       archive_number = (SELECT coalesce(max(archive_number), 0) + 1 FROM clusters x
                         WHERE x.workspace_id = clusters.workspace_id AND x.name = clusters.name)
     WHERE id = $1`,
    [id],
  );
}

/**
 * The per-workspace cluster counts (migration 20261212100000_workspace_cluster_counts) stay
 * equal to count(*) through every kind of write, and the cluster list's unfiltered statement
 * (total from the counts, page by LIMIT/OFFSET from the order's index) answers what the
 * counting statement answers.
 */
describe('workspace cluster counts', () => {
  let t: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    t = await createTestDatabase();
    pool = poolOf(t.db)!;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('stay equal to count(*) through create, archive, unarchive, move and delete', async () => {
    const a = await createWorkspace(pool, 'counts-a');
    const b = await createWorkspace(pool, 'counts-b');
    expect(await keptCounts(pool)).toEqual({});

    // Prisma's create (one row per statement) and a bulk INSERT ... SELECT.
    const one = await t.db.cluster.create({ data: { workspaceId: a, name: 'one' } });
    const bulk = await insertClusters(pool, a, 'bulk', 25);
    await insertClusters(pool, b, 'other', 7);
    expect(await expectCountsExact(pool)).toEqual({
      [a]: { live: 26, archived: 0 },
      [b]: { live: 7, archived: 0 },
    });

    // Archive (twice the same name: archive numbers 1 and 2), then unarchive one.
    await archive(pool, one.id);
    const again = await t.db.cluster.create({ data: { workspaceId: a, name: 'one' } });
    await archive(pool, again.id);
    await archive(pool, bulk[0]!);
    expect(await expectCountsExact(pool)).toEqual({
      [a]: { live: 24, archived: 3 },
      [b]: { live: 7, archived: 0 },
    });
    await pool.query(
      `UPDATE clusters SET archived_at = NULL, archive_number = 0, status = 'NEW' WHERE id = $1`,
      [bulk[0]],
    );
    // Updates that neither archive nor move (telemetry, status, archive date) change nothing.
    await pool.query(
      `UPDATE clusters SET agent_data = '{"x": 1}', status = 'IN_SYNC', updated_at = now()
       WHERE workspace_id = $1`,
      [a],
    );
    await pool.query(
      `UPDATE clusters SET archived_at = archived_at - interval '1 day'
       WHERE id = $1`,
      [one.id],
    );
    expect(await expectCountsExact(pool)).toEqual({
      [a]: { live: 25, archived: 2 },
      [b]: { live: 7, archived: 0 },
    });

    // Move a live and an archived cluster to the other workspace (both directions of the
    // workspaces' order), then back.
    await pool.query(`UPDATE clusters SET workspace_id = $2 WHERE id = ANY($1::uuid[])`, [
      [bulk[1], one.id],
      b,
    ]);
    expect(await expectCountsExact(pool)).toEqual({
      [a]: { live: 24, archived: 1 },
      [b]: { live: 8, archived: 1 },
    });
    await pool.query(`UPDATE clusters SET workspace_id = $2 WHERE id = $1`, [bulk[1], a]);
    expect(await expectCountsExact(pool)).toEqual({
      [a]: { live: 25, archived: 1 },
      [b]: { live: 7, archived: 1 },
    });

    // Delete: one row by Prisma, several by deleteMany, across workspaces.
    await t.db.cluster.delete({ where: { id: bulk[2]! } });
    await t.db.cluster.deleteMany({ where: { id: { in: [bulk[3]!, one.id, again.id] } } });
    expect(await expectCountsExact(pool)).toEqual({
      [a]: { live: 23, archived: 0 },
      [b]: { live: 7, archived: 0 },
    });

    // Deleting a workspace deletes its clusters and its counts row.
    await t.db.workspace.delete({ where: { id: b } });
    expect(await expectCountsExact(pool)).toEqual({ [a]: { live: 23, archived: 0 } });
    const rows = await pool.query(
      `SELECT 1 FROM workspace_cluster_counts WHERE workspace_id = $1`,
      [b],
    );
    expect(rows.rowCount).toBe(0);

    await t.db.cluster.deleteMany({ where: { workspaceId: a } });
    expect(await expectCountsExact(pool)).toEqual({});
  });

  it('lose no count when two transactions create and archive clusters of one workspace', async () => {
    // A new workspace: both transactions race for its first counts row (INSERT ... ON CONFLICT).
    const ws = await createWorkspace(pool, 'counts-race');
    const clients = [await pool.connect(), await pool.connect()];
    try {
      await Promise.all(
        clients.map(async (client, k) => {
          await client.query('BEGIN');
          for (let i = 0; i < 20; i++) {
            const [id] = await insertClusters(client, ws, `race-${k}-${i}`, 1);
            if (i % 5 === 0) {
              await client.query(
                `UPDATE clusters SET archived_at = now(), archive_number = 1 WHERE id = $1`,
                [id],
              );
            }
          }
          await client.query('COMMIT');
        }),
      );
    } finally {
      for (const client of clients) {
        client.release();
      }
    }
    const counts = await expectCountsExact(pool);
    expect(counts[ws]).toEqual({ live: 32, archived: 8 });
  });

  it('lose no count when two transactions create concurrently in autocommit', async () => {
    const ws = await createWorkspace(pool, 'counts-autocommit');
    await Promise.all(
      [0, 1, 2, 3].map(async (k) => {
        for (let i = 0; i < 10; i++) {
          await insertClusters(pool, ws, `auto-${k}-${i}`, 3);
        }
      }),
    );
    const counts = await expectCountsExact(pool);
    expect(counts[ws]).toEqual({ live: 120, archived: 0 });
  });

  describe('the unfiltered list (total from the counts) answers what the counting statement answers', () => {
    let ws: string;
    let hot: HotClusterQueries;
    const SORTS: ClusterListSort[] = [
      'attention',
      'name',
      '-name',
      'status',
      '-status',
      'created_at',
      '-created_at',
      'updated_at',
      '-updated_at',
    ];
    const STATUSES = ['IN_SYNC', 'CREATION_FAILED', 'CHANGING', 'NEW', 'READY_TO_JOIN', 'DELETED'];

    beforeAll(async () => {
      hot = new HotClusterQueries(pool);
      ws = await createWorkspace(pool, 'list');
      const other = await createWorkspace(pool, 'list-other');
      await insertClusters(pool, other, 'foreign', 5);
      const ids = await insertClusters(pool, ws, 'c', 40);
      // Mixed statuses, equal creation times for some (ties broken by id), archived clusters
      // (one name archived twice), an operation for some.
      for (let i = 0; i < ids.length; i++) {
        await pool.query(
          `UPDATE clusters SET status = $2::"ClusterStatus",
             created_at = timestamptz '2026-12-01' + ($3::int * interval '1 minute'),
             updated_at = timestamptz '2026-12-02' + ($4::int * interval '1 second')
           WHERE id = $1`,
          [ids[i], STATUSES[i % STATUSES.length], i % 7, (i * 13) % 40],
        );
      }
      for (const i of [0, 3, 8, 15, 22]) {
        await archive(pool, ids[i]!);
      }
      const twice = await insertClusters(pool, ws, 'c', 1); // c-0001 again (archive number 2)
      await archive(pool, twice[0]!);
      await pool.query(
        `INSERT INTO cluster_operations (cluster_id, kind, status, updated_at)
         SELECT id, 'CHECK', 'SUCCEEDED', now() FROM clusters WHERE workspace_id = $1 AND name < 'c-0010'`,
        [ws],
      );
    });

    it('the same page and total for every order, with and without archived clusters', async () => {
      let compared = 0;
      for (const sort of SORTS) {
        for (const withoutArchived of [false, true]) {
          for (const [limit, offset] of [
            [100, 0],
            [7, 0],
            [7, 14],
            [10, 30],
            [5, 36],
            [100, 41],
            [10, 1000],
          ] as const) {
            const query: ClusterListQuery = {
              workspaceId: ws,
              limit,
              offset,
              withoutArchived,
              status: null,
              clusterTemplateId: null,
              q: null,
              sort,
            };
            const fast = await hot.listClusters(query);
            const scanned = await hot.listClustersByScan(query);
            expect(fast.total).toBe(withoutArchived ? 35 : 41);
            expect(fast.total).toBe(scanned.total);
            expect(fast.rows).toEqual(scanned.rows);
            compared += fast.rows.length;
          }
        }
      }
      expect(compared).toBeGreaterThan(500);
    });

    it('a page past the end is empty with the right total', async () => {
      for (const withoutArchived of [false, true]) {
        const page = await hot.listClusters({
          workspaceId: ws,
          limit: 100,
          offset: 500,
          withoutArchived,
          status: null,
          clusterTemplateId: null,
          q: null,
          sort: 'attention',
        });
        expect(page).toEqual({ rows: [], total: withoutArchived ? 35 : 41 });
      }
    });

    it('a workspace without clusters: an empty page and a total of 0', async () => {
      const empty = await createWorkspace(pool, 'list-empty');
      for (const offset of [0, 100]) {
        const page = await hot.listClusters({
          workspaceId: empty,
          limit: 100,
          offset,
          withoutArchived: false,
          status: null,
          clusterTemplateId: null,
          q: null,
          sort: 'attention',
        });
        expect(page).toEqual({ rows: [], total: 0 });
      }
    });

    it('a filtered list still counts its filter', async () => {
      const page = await hot.listClusters({
        workspaceId: ws,
        limit: 3,
        offset: 0,
        withoutArchived: false,
        status: 'IN_SYNC',
        clusterTemplateId: null,
        q: null,
        sort: 'name',
      });
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM clusters WHERE workspace_id = $1 AND status = 'IN_SYNC'`,
        [ws],
      );
      expect(page.total).toBe(rows[0]!.n);
      expect(page.rows).toHaveLength(3);
    });
  });
});

/**
 * The migration on a database with clusters from before it: the counts are filled from the
 * existing rows, and kept from then on.
 */
describe(`migration ${MIGRATION} (backfill)`, () => {
  const info = injectedTestDatabase();
  const name = `commander_counts_${process.pid}_${Date.now()}`;
  let client: pg.Client;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await admin.end();
    client = new pg.Client({ connectionString: withDatabase(info.adminUrl, name) });
    await client.connect();
    const before = (await readdir(MIGRATIONS, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && e.name < MIGRATION)
      .map((e) => e.name)
      .sort();
    for (const migration of before) {
      await client.query(await readFile(path.join(MIGRATIONS, migration, 'migration.sql'), 'utf8'));
    }
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.end();
  });

  it('counts the existing clusters, live and archived, per workspace', async () => {
    const a = await createWorkspace(client, 'backfill-a');
    const b = await createWorkspace(client, 'backfill-b');
    await createWorkspace(client, 'backfill-empty');
    const ids = await insertClusters(client, a, 'a', 12);
    await insertClusters(client, b, 'b', 3);
    await archive(client, ids[0]!);
    await archive(client, ids[1]!);

    await client.query(await readFile(path.join(MIGRATIONS, MIGRATION, 'migration.sql'), 'utf8'));

    expect(await expectCountsExact(client)).toEqual({
      [a]: { live: 10, archived: 2 },
      [b]: { live: 3, archived: 0 },
    });
    // And kept from then on.
    await insertClusters(client, b, 'later', 2);
    await archive(client, ids[2]!);
    expect(await expectCountsExact(client)).toEqual({
      [a]: { live: 9, archived: 3 },
      [b]: { live: 5, archived: 0 },
    });
  });
});
