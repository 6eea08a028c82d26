import type { ResourceGroupTemplate } from '@commander/contracts';

/** A template shipped with Commander and installed into the `default` workspace. */
export type PresetTemplate = {
  name: string;
  comment: string;
  params: Record<string, unknown>[];
  kubernetes_template: string;
  placement_template: string;
  ssh_template: string;
  installation_template: string;
  primary_resources_template: string;
  resources: ResourceGroupTemplate[];
};

const STATIC_LITERAL: PresetTemplate = {
  name: 'Static cluster',
  comment: 'DKP on existing machines reached over SSH.',
  params: [],
  kubernetes_template: `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Static
kubernetesVersion: "1.33"
podSubnetCIDR: 10.111.0.0/16
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`,
  placement_template: `apiVersion: deckhouse.io/v1
kind: StaticClusterConfiguration
internalNetworkCIDRs:
  - 10.0.1.0/24
`,
  ssh_template: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshPort: 22
sshAgentPrivateKeys:
  - key: generated-per-cluster
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: 10.0.1.10
`,
  installation_template: `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: registry.deckhouse.io/deckhouse/ce
  registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
`,
  primary_resources_template: `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: deckhouse
spec:
  version: 1
  enabled: true
  settings:
    bundle: Default
    releaseChannel: Stable
`,
  resources: [
    {
      name: 'main',
      sync_mode: 'managed',
      template: `apiVersion: v1
kind: Namespace
metadata:
  name: apps
  labels:
    heritage: deckhouse-commander
`,
    },
  ],
};

/** Preset templates, by name. Changing a preset adds a new version on the next start. */
export const PRESET_TEMPLATES: PresetTemplate[] = [STATIC_LITERAL];
