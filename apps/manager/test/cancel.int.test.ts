import { cancelOperation, createCluster, getCluster } from '@commander/core';
import { describe, expect, it } from 'vitest';

import { eventually, useManagerEnv } from './helpers.js';

describe('cancel', () => {
  // Slow phases, so an operation can be caught while it runs.
  const env = useManagerEnv({ phaseDelayMs: 400 });

  it('cancels a queued install at once (no replica running): cancelled, creation error', async () => {
    const created = await createCluster(env.ctx, {
      name: `q-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    const op = await env.database.db.clusterOperation.findFirstOrThrow({
      where: { clusterId: created.id },
    });
    const cancelled = await cancelOperation(env.ctx, op.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await getCluster(env.ctx, created.id)).status).toBe('creation_failed');
    await expect(cancelOperation(env.ctx, op.id)).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('cancels a running install: dhctl gets a cancel, the operation ends cancelled', async () => {
    await env.startReplica();
    const created = await createCluster(env.ctx, {
      name: `r-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    const db = env.database.db;
    const op = await eventually(
      async () => {
        const o = await db.clusterOperation.findFirst({
          where: { clusterId: created.id, status: 'RUNNING', lastCompletedPhase: { not: null } },
        });
        return o;
      },
      20_000,
      'install running',
    );
    const asked = await cancelOperation(env.ctx, op.id);
    expect(asked.status).toBe('running');
    const finished = await eventually(
      async () => {
        const o = await db.clusterOperation.findUniqueOrThrow({ where: { id: op.id } });
        return o.status !== 'RUNNING' ? o : null;
      },
      20_000,
      'cancel to take effect',
    );
    expect(finished.status).toBe('CANCELLED');
    expect((await getCluster(env.ctx, created.id)).status).toBe('creation_failed');
  });
});
