import { type Api, expect } from '../../fixtures.js';

export type ApiCluster = {
  id: string;
  uuid: string;
  name: string;
  status: string;
  agent_status: string;
  cluster_agent_data: unknown[];
  resources_state_results: { group: string; kind: string; name: string; status: string }[];
};

/** Creates a cluster from the preset static template through the API and waits until Ready. */
export async function createReadyCluster(api: Api, prefix: string): Promise<ApiCluster> {
  const templates = await api.get<{ name: string; current_cluster_template_version_id: string }[]>(
    '/api/v1/cluster_templates',
  );
  const version = templates.find(
    (t) => t.name === 'Static cluster',
  )?.current_cluster_template_version_id;
  expect(version, 'the preset "Static cluster" template').toBeTruthy();
  const created = await api.post<ApiCluster>('/api/v1/clusters', {
    name: `${prefix}-${Date.now().toString(36)}`,
    cluster_template_version_id: version,
    values: {},
  });
  await expect
    .poll(async () => (await api.get<ApiCluster>(`/api/v1/clusters/${created.id}`)).status, {
      timeout: 120_000,
    })
    .toBe('in_sync');
  return api.get<ApiCluster>(`/api/v1/clusters/${created.id}`);
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
