// The telemetry batch's change events: one coalesced NOTIFY per workspace (and per
// TELEMETRY_NOTICE_MAX_CLUSTERS clusters) that the API fans out into exactly the per-cluster
// events its SSE subscribers got before, each to the subscribers of its own workspace only.
import type { ChangeEvent } from '@commander/contracts';
import { EVENTS_CHANNEL } from '@commander/core';
import { TELEMETRY_NOTICE_MAX_CLUSTERS } from '@commander/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { useTestApp } from './helpers.js';

const SAMPLE = {
  cpu_cores: 8,
  memory_bytes: 32e9,
  storage_bytes: 400e9,
  node_count: 3,
};

/** An SSE subscriber of `/api/v1/events`: every `change` event it has read so far. */
type Subscriber = { events: ChangeEvent[]; close: () => void };

async function subscribe(baseUrl: string, token: string): Promise<Subscriber> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/events`, {
    headers: { 'x-auth-token': token },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const events: ChangeEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return;
        }
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split('\n');
          if (lines.includes('event: change')) {
            const data = lines.find((l) => l.startsWith('data: '));
            events.push(JSON.parse(data!.slice(6)) as ChangeEvent);
          }
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return { events, close: () => abort.abort() };
}

describe('telemetry change events (coalesced NOTIFY, fanned out by the API)', () => {
  const t = useTestApp();
  let baseUrl = '';
  let listener: pg.Client;
  const notices: string[] = [];
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    listener = new pg.Client({ connectionString: t.database.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload?.includes('cluster_ids')) {
        notices.push(n.payload);
      }
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
  });
  afterAll(async () => {
    for (const s of subscribers) {
      s.close();
    }
    await listener?.end();
  });

  async function clustersIn(workspaceId: string, prefix: string, count: number) {
    await t.db.cluster.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        workspaceId,
        name: `${prefix}-${t.suffix}-${i}`,
        status: 'IN_SYNC' as const,
        wasCreated: true,
        clusterType: 'Static',
      })),
    });
    const rows = await t.db.cluster.findMany({
      where: { workspaceId, name: { startsWith: `${prefix}-${t.suffix}-` } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** A cluster event of `workspaceId` sent straight to the channel; resolves once `s` read it. */
  async function probe(s: Subscriber, workspaceId: string, id: string): Promise<void> {
    const event = { type: 'cluster', id, workspace_id: workspaceId, action: 'probe' };
    await vi.waitFor(
      async () => {
        if (!s.events.some((e) => e.id === id)) {
          // Until the API's LISTEN connection is up a notification reaches no one: resend.
          await t.db.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
          throw new Error(`probe ${id} not seen yet`);
        }
      },
      { timeout: 30_000, interval: 100 },
    );
  }

  it('a batch of N clusters: N events to the subscriber of their workspace, none to another', async () => {
    const other = await t.db.workspace.create({
      data: { slug: `other-${t.suffix}`, name: 'Other' },
    });
    // More clusters than one notice holds, so the default workspace's notice is chunked.
    const count = 2 * TELEMETRY_NOTICE_MAX_CLUSTERS + 20;
    const mine = await clustersIn(t.defaultWorkspaceId, 'ev', count);
    const theirs = await clustersIn(other.id, 'ev-other', 5);
    const mineSub = await subscribe(
      baseUrl,
      await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' }),
    );
    const theirsSub = await subscribe(
      baseUrl,
      await t.issueToken({ workspaceId: other.id, scope: 'read' }),
    );
    subscribers.push(mineSub, theirsSub);
    await probe(mineSub, t.defaultWorkspaceId, 'probe-mine-1');
    await probe(theirsSub, other.id, 'probe-theirs-1');
    const batchesBefore = t.app.telemetryIngest.stats.batches;

    // Submitted in one tick: one batch (under TELEMETRY_MAX_BATCH, 500).
    await Promise.all(
      [...mine, ...theirs].map((id) => t.app.telemetryIngest.submit({ id }, SAMPLE)),
    );
    expect(t.app.telemetryIngest.stats.batches - batchesBefore).toBe(1);

    const telemetryOf = (s: Subscriber) => s.events.filter((e) => e.type === 'telemetry');
    await vi.waitFor(() => expect(telemetryOf(mineSub)).toHaveLength(count), {
      timeout: 30_000,
      interval: 50,
    });
    await vi.waitFor(() => expect(telemetryOf(theirsSub)).toHaveLength(theirs.length), {
      timeout: 30_000,
      interval: 50,
    });
    // Notifications arrive in order on the API's one connection: once a later probe is read,
    // any stray telemetry event would have been read before it.
    await probe(mineSub, t.defaultWorkspaceId, 'probe-mine-2');
    await probe(theirsSub, other.id, 'probe-theirs-2');

    // Exactly the events the batch sent one by one before, in the same shape.
    const expected = (ids: string[], workspaceId: string) =>
      ids
        .map((id) => ({ type: 'telemetry', id, workspace_id: workspaceId, cluster_id: id }))
        .sort((a, b) => a.id.localeCompare(b.id));
    const sorted = (events: ChangeEvent[]) => [...events].sort((a, b) => a.id.localeCompare(b.id));
    expect(sorted(telemetryOf(mineSub))).toEqual(expected(mine, t.defaultWorkspaceId));
    expect(sorted(telemetryOf(theirsSub))).toEqual(expected(theirs, other.id));

    // Coalesced: one notice per workspace and chunk, each under the 8,000-byte payload limit.
    const ours = new Set([...mine, ...theirs]);
    const batchNotices = notices
      .map((p) => JSON.parse(p) as { workspace_id: string; cluster_ids: string[] })
      .filter((n) => n.cluster_ids.some((id) => ours.has(id)));
    expect(batchNotices).toHaveLength(Math.ceil(count / TELEMETRY_NOTICE_MAX_CLUSTERS) + 1);
    expect(Math.max(...notices.map((p) => Buffer.byteLength(p)))).toBeLessThan(8000);
    expect(batchNotices.flatMap((n) => n.cluster_ids).sort()).toEqual([...ours].sort());
  });

  it('a batch of only polls (seen, no sample) sends no telemetry event', async () => {
    const [id] = await clustersIn(t.defaultWorkspaceId, 'poll-only', 1);
    const sub = await subscribe(
      baseUrl,
      await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' }),
    );
    subscribers.push(sub);
    await probe(sub, t.defaultWorkspaceId, 'probe-poll-1');
    t.app.telemetryIngest.markSeen(id!);
    await vi.waitFor(
      async () => {
        const row = await t.db.cluster.findUniqueOrThrow({ where: { id: id! } });
        expect(row.agentStatus).toBe('online');
      },
      { timeout: 30_000, interval: 50 },
    );
    await probe(sub, t.defaultWorkspaceId, 'probe-poll-2');
    expect(sub.events.filter((e) => e.type === 'telemetry')).toEqual([]);
  });
});
