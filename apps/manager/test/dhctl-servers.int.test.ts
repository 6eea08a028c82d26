import { checkClusterNow, createCluster, getCluster } from '@commander/core';
import { createDhctlClient } from '@commander/dhctl';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { afterAll, describe, expect, it } from 'vitest';

import { eventually, useManagerEnv } from './helpers.js';

describe('a dhctl server per DKP version', () => {
  let other: DhctlSim | null = null;
  const env = useManagerEnv({
    dhctlServers: async (defaultSim) => {
      other = await startDhctlSim({ phaseDelayMs: 0, agents: false });
      return { default: defaultSim.grpcAddress, '1.69': other.grpcAddress };
    },
  });
  afterAll(async () => {
    await other?.stop();
  });

  it("runs a cluster's operations on the server of the DKP version its agent reports", async () => {
    await env.startReplica();
    const created = await createCluster(env.ctx, {
      name: `ver-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    await eventually(
      async () => (await getCluster(env.ctx, created.id)).status === 'in_sync',
      30_000,
      'installed',
    );
    // Installed by the default server (no version known yet).
    expect(env.sim.clusters.list().length).toBeGreaterThanOrEqual(1);
    const countOther = () =>
      Number((other!.clusters as unknown as { list: () => unknown[] }).list().length);
    expect(countOther()).toBe(0);
    await env.database.db.cluster.update({
      where: { id: created.id },
      data: { agentData: [{ source: 'overview', data: { dkp_version: 'v1.69.3' } }] },
    });
    await checkClusterNow(env.ctx, created.id);
    const op = await eventually(
      () =>
        env.database.db.clusterOperation.findFirst({
          where: { clusterId: created.id, kind: 'CHECK', status: { in: ['SUCCEEDED', 'FAILED'] } },
        }),
      20_000,
      'check finished',
    );
    // The 1.69 server does not know this cluster: proof the check went there, not to the default.
    expect(op.status).toBe('FAILED');
    const client = createDhctlClient(other!.grpcAddress);
    try {
      const status = await client.getStatus();
      const checks = Object.entries(status.requests_by_method).find(([method]) =>
        method.endsWith('/Check'),
      );
      expect(Number(checks?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
    } finally {
      client.close();
    }
  });
});

describe('a DKP version no dhctl server serves', () => {
  // Only 1.70 is configured: no default, no command template.
  const env = useManagerEnv({
    dhctlServers: async (defaultSim) => ({ '1.70': defaultSim.grpcAddress }),
  });

  it('fails the operation with an error naming the version', async () => {
    const created = await createCluster(env.ctx, {
      name: `nover-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    // The agent of this (attached-like) cluster reports 1.71 before any replica runs.
    await env.database.db.cluster.update({
      where: { id: created.id },
      data: { agentData: [{ source: 'overview', data: { dkp_version: 'v1.71.2' } }] },
    });
    await env.startReplica();
    const op = await eventually(
      () =>
        env.database.db.clusterOperation.findFirst({
          where: { clusterId: created.id, status: { in: ['SUCCEEDED', 'FAILED'] } },
        }),
      20_000,
      'install finished',
    );
    expect(op.status).toBe('FAILED');
    expect(op.error).toContain('no dhctl server for DKP version "v1.71.2"');
    expect(op.error).toContain('1.70');
    // Nothing reached the one configured server.
    expect(env.sim.clusters.list()).toHaveLength(0);
  });
});
