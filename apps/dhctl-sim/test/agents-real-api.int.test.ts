// A simulated agent against the real agent API (apps/api on a real PostgreSQL): the path a
// cluster installed through the simulator takes in development and demos.
import type { AddressInfo } from 'node:net';

import { waitFor } from '@commander/agent-client/testing';
import {
  agentBootstrapYaml,
  agentUrl,
  createCluster,
  ensureAgentKey,
  type ServiceContext,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from '../../api/test/helpers.js';
import { parseDocuments } from '../src/documents.js';
import { type DhctlSim, startDhctlSim } from '../src/index.js';

describe('simulated agent against the real agent API', () => {
  const t = useTestApp();
  let sim: DhctlSim;
  let cluster: { id: string; uuid: string };

  beforeAll(async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    cluster = await createCluster(ctx, {
      name: `sim-agent-${t.suffix}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // The Secret names http://commander.test (the instance's public URL), which does not
    // resolve here: the override points the agent at the listening API, as in Docker.
    sim = await startDhctlSim({
      httpPort: null,
      agentPollMs: 100,
      agentTelemetryMs: 100,
      commanderUrl: apiUrl,
    });
    const now = new Date().toISOString();
    sim.clusters.create({
      uuid: cluster.uuid,
      status: 'ready',
      ownerCommanderUuid: null,
      commanderUrl: null,
      clusterType: 'Static',
      provider: null,
      prefix: null,
      clusterConfiguration: { kind: 'ClusterConfiguration', kubernetesVersion: '1.33' },
      providerClusterConfiguration: null,
      hosts: ['10.30.0.1'],
      sshUser: 'ubuntu',
      nodes: [
        { name: 'master-0', group: 'master', role: 'master', spec: '{}' },
        { name: 'worker-0', group: 'worker', role: 'worker', spec: '{}' },
      ],
      // What the manager appends to the bootstrap resources.
      resources: parseDocuments(
        agentBootstrapYaml(key, agentUrl('http://commander.test', cluster.uuid)),
      ),
      completedBootstrapPhases: [],
      drift: { destructive: false, nonDestructive: false, notes: [] },
      createdAt: now,
      updatedAt: now,
    });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const clusterView = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${cluster.id}`,
        headers: t.headers(),
      })
    ).json<Record<string, unknown>>();

  it('syncs the desired resources and reports telemetry until Commander shows the cluster configured', async () => {
    const view = await waitFor(
      async () => {
        const current = await clusterView();
        return current.resources_sync_state === 'configured' &&
          JSON.stringify(current).includes('"node_count":2')
          ? current
          : false;
      },
      { timeoutMs: 15_000, intervalMs: 100, message: 'a configured cluster with telemetry' },
    );
    expect(view.agent_status).toBe('online');
    const namespace = sim.clusters
      .get(cluster.uuid)
      ?.resources.find(
        (d) => d.kind === 'Namespace' && (d.metadata as { name?: string }).name === 'apps',
      );
    expect((namespace?.metadata as { labels?: Record<string, string> }).labels).toEqual({
      heritage: 'deckhouse-commander',
    });
    expect(sim.agents?.snapshot(cluster.uuid)).toMatchObject({
      sync_failures: 0,
      telemetry_failures: 0,
    });
    // Steady state: the agent polls with the ETag and the API answers 304.
    await waitFor(() => sim.agents?.snapshot(cluster.uuid)?.last_sync?.mode === 'check', {
      message: 'a 304 poll',
    });
  });
});
