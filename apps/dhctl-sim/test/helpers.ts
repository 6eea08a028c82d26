// Documents and recorders shared by the simulator's tests.
import type { DhctlCallOptions, PhaseDecision, PhaseEnd, Progress } from '@commander/dhctl';

export const COMMANDER_UUID = '6f1c2a4e-9a53-4f0e-8d2b-3c4d5e6f7a80';
export const OTHER_COMMANDER_UUID = '0b7e6a1d-1111-4222-8333-944455556666';

export function connectionConfig(host: string): string {
  return `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshPort: 22
sshAgentPrivateKeys:
  - key: "-----BEGIN OPENSSH PRIVATE KEY-----\\ntest\\n-----END OPENSSH PRIVATE KEY-----"
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: ${host}
`;
}

export function staticClusterConfig(
  overrides: { kubernetesVersion?: string; podSubnetCIDR?: string } = {},
): string {
  return `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Static
kubernetesVersion: "${overrides.kubernetesVersion ?? '1.33'}"
podSubnetCIDR: ${overrides.podSubnetCIDR ?? '10.111.0.0/16'}
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`;
}

export const STATIC_PROVIDER_CONFIG = `apiVersion: deckhouse.io/v1
kind: StaticClusterConfiguration
internalNetworkCIDRs: [10.0.1.0/24]
`;

export function cloudClusterConfig(prefix: string, kubernetesVersion = '1.33'): string {
  return `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Cloud
cloud:
  provider: Yandex
  prefix: ${prefix}
kubernetesVersion: "${kubernetesVersion}"
podSubnetCIDR: 10.111.0.0/16
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`;
}

export function yandexConfig(
  masters: number,
  workers: number,
  nodeNetworkCIDR = '10.241.32.0/20',
): string {
  return `apiVersion: deckhouse.io/v1
kind: YandexClusterConfiguration
layout: Standard
nodeNetworkCIDR: ${nodeNetworkCIDR}
sshPublicKey: "ssh-ed25519 AAAA test"
masterNodeGroup:
  replicas: ${masters}
  instanceClass: {cores: 4, memory: 8192, imageID: fd8test}
nodeGroups:
  - name: worker
    replicas: ${workers}
    instanceClass: {cores: 2, memory: 4096}
provider:
  cloudID: cloud-1
  folderID: folder-1
  serviceAccountJSON: '{"id":"sa"}'
`;
}

export const INIT_CONFIG = `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: registry.deckhouse.io/deckhouse/ce
`;

/** The commander-agent ModuleConfig whose commanderUrl names the Commander cluster id. */
export function commanderAgentResource(clusterId: string): string {
  return `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: commander-agent
spec:
  enabled: true
  version: 1
  settings:
    commanderUrl: https://commander.example.com/agent_api/${clusterId}
`;
}

/** A Static bootstrap request for `host`. */
export function staticBootstrap(
  host: string,
  options: { clusterId?: string; resources?: string } = {},
) {
  return {
    connection_config: connectionConfig(host),
    init_config: INIT_CONFIG,
    cluster_config: staticClusterConfig(),
    provider_specific_cluster_config: STATIC_PROVIDER_CONFIG,
    resources: [
      options.clusterId ? commanderAgentResource(options.clusterId) : '',
      options.resources ?? '',
    ]
      .filter(Boolean)
      .join('---\n'),
    options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
  };
}

/** A Cloud (Yandex) bootstrap request. */
export function cloudBootstrap(prefix: string, masters: number, workers: number) {
  return {
    connection_config: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshAgentPrivateKeys: [{key: "k"}]
`,
    init_config: INIT_CONFIG,
    cluster_config: cloudClusterConfig(prefix),
    provider_specific_cluster_config: yandexConfig(masters, workers),
    options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
  };
}

export type RecordedEvent =
  | { type: 'logs'; lines: string[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'phase_end'; phaseEnd: PhaseEnd };

/** Hooks that record every event and answer phase ends with `decide` (default 'next'). */
export function recorder(decide: (phaseEnd: PhaseEnd) => PhaseDecision = () => 'next') {
  const events: RecordedEvent[] = [];
  const hooks: DhctlCallOptions = {
    onLogs: (lines) => {
      events.push({ type: 'logs', lines });
    },
    onProgress: (progress) => {
      events.push({ type: 'progress', progress });
    },
    onPhaseEnd: (phaseEnd) => {
      events.push({ type: 'phase_end', phaseEnd });
      return decide(phaseEnd);
    },
  };
  return {
    events,
    hooks,
    phaseEnds: () => events.flatMap((e) => (e.type === 'phase_end' ? [e.phaseEnd] : [])),
    progress: () => events.flatMap((e) => (e.type === 'progress' ? [e.progress] : [])),
    lines: () => events.flatMap((e) => (e.type === 'logs' ? e.lines : [])),
  };
}

/** JSON request to the control API. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
