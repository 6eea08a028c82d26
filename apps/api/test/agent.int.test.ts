import {
  createCluster,
  ensureAgentKey,
  ensureTelemetryPartitionsFor,
  markSilentAgents,
  rollupTelemetry,
  type ServiceContext,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

describe('agent API', () => {
  const t = useTestApp();
  let clusterA: { id: string; uuid: string };
  let clusterB: { id: string; uuid: string };
  let keyA = '';
  let keyB = '';
  let ctx: ServiceContext;

  beforeAll(async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    ctx = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    clusterA = await createCluster(ctx, {
      name: 'agent-a',
      cluster_template_version_id: versionId,
      values: {},
    });
    clusterB = await createCluster(ctx, {
      name: 'agent-b',
      cluster_template_version_id: versionId,
      values: {},
    });
    keyA = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, clusterA.id));
    keyB = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, clusterB.id));
  });

  const get = (uuid: string, key?: string, etag?: string) =>
    t.app.inject({
      method: 'GET',
      url: `/agent_api/${uuid}/resources`,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(etag ? { 'if-none-match': etag } : {}),
      },
    });

  it("accepts only the cluster's own key", async () => {
    expect((await get(clusterA.uuid)).statusCode).toBe(401);
    expect((await get(clusterA.uuid, 'cmdra_wrong')).statusCode).toBe(401);
    const wrongCluster = await get(clusterA.uuid, keyB);
    expect(wrongCluster.statusCode).toBe(401);
    expect(wrongCluster.json().error.code).toBe('unauthorized');
    expect((await get(clusterA.uuid, keyA)).statusCode).toBe(200);
  });

  it('serves versioned resources; an unchanged set costs a 304', async () => {
    const res = await get(clusterA.uuid, keyA);
    const body = res.json();
    expect(res.headers.etag).toBe(`"${body.version}"`);
    expect(body.groups.map((g: { name: string }) => g.name)).toEqual(['main', 'commander-agent']);
    const secret = body.groups[1].resources[0];
    expect(secret).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'commander-agent-credentials', namespace: 'd8-commander-agent' },
    });
    expect(secret.stringData.token).toBe(keyA);
    expect(secret.stringData.commander_url).toBe(
      `http://commander.test/agent_api/${clusterA.uuid}`,
    );
    const again = await get(clusterA.uuid, keyA, res.headers.etag);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('apply results set the sync state and per-resource errors', async () => {
    const { version } = (await get(clusterA.uuid, keyA)).json();
    const post = (results: unknown[], v = version) =>
      t.app.inject({
        method: 'POST',
        url: `/agent_api/${clusterA.uuid}/resources/status`,
        headers: { authorization: `Bearer ${keyA}` },
        payload: { version: v, results },
      });
    const ok = await post([
      { group: 'main', api_version: 'v1', kind: 'Namespace', name: 'apps', status: 'applied' },
    ]);
    expect(ok.statusCode).toBe(204);
    let cluster = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${clusterA.id}`,
        headers: t.headers(),
      })
    ).json();
    expect(cluster.resources_sync_state).toBe('configured');
    await post([
      {
        group: 'main',
        api_version: 'v1',
        kind: 'Namespace',
        name: 'apps',
        status: 'error',
        message: 'admission webhook denied',
      },
    ]);
    cluster = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${clusterA.id}`,
        headers: t.headers(),
      })
    ).json();
    expect(cluster.resources_sync_state).toBe('not_configured');
    expect(cluster.resources_state_results[0]).toMatchObject({
      kind: 'Namespace',
      name: 'apps',
      status: 'error',
      errors: ['admission webhook denied'],
    });
    await post(
      [{ group: 'main', api_version: 'v1', kind: 'Namespace', name: 'apps', status: 'applied' }],
      'stale-version',
    );
    cluster = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${clusterA.id}`,
        headers: t.headers(),
      })
    ).json();
    expect(cluster.resources_sync_state).toBe('not_configured');
    const bad = await t.app.inject({
      method: 'POST',
      url: `/agent_api/${clusterA.uuid}/resources/status`,
      headers: { authorization: `Bearer ${keyA}` },
      payload: { results: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('stores telemetry as a time series and the latest snapshot as cluster_agent_data', async () => {
    const sample = {
      cpu_cores: 12,
      cpu_usage: 3.5,
      memory_bytes: 48e9,
      memory_used_bytes: 20e9,
      storage_bytes: 500e9,
      node_count: 3,
      dkp_version: 'v1.69.3',
      kubernetes_version: '1.33.4',
      update_channel: 'Stable',
      update_available: true,
      components: [
        { name: 'deckhouse', availability: 1 },
        { name: 'ingress-nginx', availability: 0.5 },
      ],
      alerts: [{ name: 'NodeNotReady', severity: 'warning', message: 'node-3 is not ready' }],
    };
    const res = await t.app.inject({
      method: 'POST',
      url: `/agent_api/${clusterA.uuid}/telemetry`,
      headers: { authorization: `Bearer ${keyA}` },
      payload: sample,
    });
    expect(res.statusCode).toBe(204);
    // The snapshot is written right after the sample's commit (off the acknowledged path).
    await t.app.telemetryIngest.settled();
    const cluster = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${clusterA.id}`,
        headers: t.headers(),
      })
    ).json();
    expect(cluster.agent_status).toBe('online');
    const overview = cluster.cluster_agent_data.find(
      (d: { source: string }) => d.source === 'overview',
    );
    expect(overview.data).toMatchObject({
      dkp_version: 'v1.69.3',
      kubernetes_version: '1.33.4',
      metrics: { node_count: 3, cpu_cores: 12 },
    });
    expect(overview.data.warnings.firing_alerts[0].alert).toBe('NodeNotReady');
    const upmeter = cluster.cluster_agent_data.find(
      (d: { source: string }) => d.source === 'upmeter',
    );
    expect(upmeter.data.rows[0].probes).toContainEqual({
      probe: 'ingress-nginx',
      availability: 0.5,
    });
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterA.id}/telemetry`,
      headers: t.headers(),
    });
    expect(history.statusCode).toBe(200);
    expect(history.json()).toHaveLength(1);
    expect(history.json()[0]).toMatchObject({ cpu_cores: 12, node_count: 3 });
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/agent_api/${clusterA.uuid}/telemetry`,
      headers: { authorization: `Bearer ${keyA}` },
      payload: { ...sample, node_count: -1 },
    });
    expect(wrong.statusCode).toBe(400);
  });

  it('a silent agent is marked lost, with an alert and no resource data', async () => {
    await t.db.cluster.update({
      where: { id: clusterA.id },
      data: { agentLastSeenAt: new Date(Date.now() - 10 * 60_000) },
    });
    expect(await markSilentAgents(t.db, 120_000)).toBeGreaterThanOrEqual(1);
    const cluster = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${clusterA.id}`,
        headers: t.headers(),
      })
    ).json();
    expect(cluster.agent_status).toBe('lost');
    expect(cluster.resources_sync_state).toBe('no_data');
    const alerts = cluster.cluster_agent_data.find(
      (d: { source: string }) => d.source === 'overview',
    ).data.warnings.firing_alerts;
    expect(alerts.map((a: { alert: string }) => a.alert)).toContain('AgentLost');
  });

  it('downsamples old raw telemetry to hourly averages and expires old hourly rows', async () => {
    const day = 24 * 3600_000;
    const base = new Date(Math.floor((Date.now() - 2 * day) / 3600_000) * 3600_000);
    // Days this old have no partition yet (the migration creates yesterday onwards).
    await ensureTelemetryPartitionsFor(t.db, base, base);
    await ensureTelemetryPartitionsFor(
      t.db,
      new Date(Date.now() - 40 * day),
      new Date(Date.now() - 40 * day),
    );
    await t.db.telemetrySample.createMany({
      data: [0, 10, 20].map((m, i) => ({
        clusterId: clusterB.id,
        ts: new Date(base.getTime() + m * 60_000),
        cpuCores: 4 + i * 2,
        memoryBytes: 1,
        storageBytes: 1,
        nodeCount: 3,
      })),
    });
    await t.db.telemetrySample.create({
      data: {
        clusterId: clusterB.id,
        ts: new Date(Date.now() - 40 * day),
        resolution: 'hourly',
        cpuCores: 1,
        memoryBytes: 1,
        storageBytes: 1,
        nodeCount: 1,
      },
    });
    const result = await rollupTelemetry(t.db);
    expect(result.rolledUp).toBeGreaterThanOrEqual(1);
    const rows = await t.db.telemetrySample.findMany({ where: { clusterId: clusterB.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ resolution: 'hourly', cpuCores: 6, samples: 3 });
    expect(rows[0]!.ts.getTime()).toBe(base.getTime());
  });

  it('a rotated key works; the previous one keeps working during the grace period', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clusters/${clusterB.id}/agent_key/rotate`,
      headers: t.headers(),
    });
    expect(res.statusCode).toBe(200);
    expect((await get(clusterB.uuid, keyB)).statusCode).toBe(200);
    const fresh = (await get(clusterB.uuid, keyB)).json();
    const newKey = fresh.groups.find((g: { name: string }) => g.name === 'commander-agent')
      .resources[0].stringData.token;
    expect(newKey).not.toBe(keyB);
    expect((await get(clusterB.uuid, newKey)).statusCode).toBe(200);
    await t.db.cluster.update({
      where: { id: clusterB.id },
      data: { agentPreviousKeyExpiresAt: new Date(Date.now() - 1000) },
    });
    expect((await get(clusterB.uuid, keyB)).statusCode).toBe(401);
  });
});
