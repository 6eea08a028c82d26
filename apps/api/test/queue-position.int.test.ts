import { queueOperation } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/**
 * Issue 12, "Queue visibility": what people start runs before the system's background work
 * queued earlier (graphile-worker job priority), and a queued operation tells its place.
 * No manager runs here, so every job stays waiting.
 */
describe('operation queue', () => {
  const t = useTestApp();

  it('puts people before background work and tells a queued operation its position', async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'queue' });
    const create = async (name: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: { name, cluster_template_version_id: versionId, values: {} },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      const op = await t.db.clusterOperation.findFirstOrThrow({ where: { clusterId: id } });
      return { clusterId: id, operationId: op.id };
    };
    const position = async (operationId: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/operations/${operationId}`,
        headers: t.headers(),
      });
      expect(res.statusCode).toBe(200);
      return res.json().queue_position as number | null;
    };

    const first = await create(`queue-a-${t.suffix}`);
    // The managers' own work (a scheduled check) queued next, by the system.
    const check = await t.db.$transaction((tx) =>
      queueOperation(tx, t.systemContext(), {
        clusterId: first.clusterId,
        workspaceId: t.defaultWorkspaceId,
        kind: 'CHECK',
      }),
    );
    const second = await create(`queue-b-${t.suffix}`);

    expect(await position(first.operationId)).toBe(1);
    // Started by a person after the check was queued, it still goes before it.
    expect(await position(second.operationId)).toBe(2);
    expect(await position(check.id)).toBe(3);

    // Taken by a manager: no longer waiting, no position; the others move up.
    await t.db.$executeRaw`
      UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test'
       WHERE payload->>'operationId' = ${first.operationId}`;
    expect(await position(first.operationId)).toBeNull();
    expect(await position(second.operationId)).toBe(1);
    expect(await position(check.id)).toBe(2);

    // Lists do not compute it (one query per page, not per row).
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${second.clusterId}/operations`,
      headers: t.headers(),
    });
    expect(list.json()[0]).not.toHaveProperty('queue_position');
  });
});
