import type { Cluster } from '@commander/client';

import { type Api, expect, unwrap } from '../../fixtures.js';

export type ApiCluster = Cluster;

/** The current version of the preset "Static cluster" template. */
export async function staticTemplate(
  api: Api,
): Promise<{ id: string; current_cluster_template_version_id: string }> {
  const templates = await unwrap(api.client.GET('/api/v1/cluster_templates/'));
  const template = templates.find((t) => t.name === 'Static cluster');
  expect(
    template?.current_cluster_template_version_id,
    'the preset "Static cluster" template',
  ).toBeTruthy();
  return {
    id: template!.id,
    current_cluster_template_version_id: template!.current_cluster_template_version_id!,
  };
}

/** A cluster, as the API answers it now. */
export function getCluster(api: Api, id: string): Promise<ApiCluster> {
  return unwrap(api.client.GET('/api/v1/clusters/{id}', { params: { path: { id } } }));
}

/** The status of a cluster, as the API answers it now. */
export async function clusterStatus(api: Api, id: string): Promise<string> {
  return (await getCluster(api, id)).status;
}

/** Creates a cluster from the preset static template through the API and waits until Ready. */
export async function createReadyCluster(api: Api, prefix: string): Promise<ApiCluster> {
  const template = await staticTemplate(api);
  const created = await unwrap(
    api.client.POST('/api/v1/clusters/', {
      body: {
        name: `${prefix}-${Date.now().toString(36)}`,
        cluster_template_version_id: template.current_cluster_template_version_id,
        values: {},
      },
    }),
  );
  await expect.poll(() => clusterStatus(api, created.id), { timeout: 120_000 }).toBe('in_sync');
  return getCluster(api, created.id);
}

/**
 * The simulator's uuid of a cluster: the cluster's own uuid, since the preset templates put
 * `/agent_api/<uuid>` into the commander-agent ModuleConfig the simulator reads it from.
 */
export async function simulatorUuid(api: Api, cluster: ApiCluster): Promise<string> {
  const { clusters } = await api.sim<{
    clusters: { uuid: string; commander_cluster_id: string | null }[];
  }>('GET', '/sim/clusters');
  const found = clusters.find(
    (c) => c.uuid === cluster.uuid || c.commander_cluster_id === cluster.uuid,
  );
  expect(found, `a virtual cluster for ${cluster.name} (${cluster.uuid})`).toBeTruthy();
  return found!.uuid;
}
