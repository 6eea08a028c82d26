// Shared test data: Commander's static-cluster example (commander-product.md §2.4) as a full
// template version, and valid values for it.

import type { TemplateSections } from '@commander/contracts';

import type { SpecialVariables } from '../src/index.js';

export const STATIC_PARAMS = `- header: Cluster
- key: kubernetesVersion
  title: Kubernetes version
  enum: ["Automatic", "1.33", "1.34"]
  default: "1.33"
- key: podSubnetCIDR
  type: string
  title: Pod subnet
  default: 10.111.0.0/16
  optional: true
- header: SSH access
- key: sshUser
  type: string
  title: SSH user
  span: 2
- key: sshPort
  type: number
  title: SSH port
  default: 22
  optional: true
  min: 1
  max: 65535
- key: sshPrivateKey
  type: string
  format: password
  title: SSH private key
  span: 4
- key: masterHosts
  title: Master hosts
  catalog: master-hosts
  minItems: 1
  maxItems: 3
`;

export const STATIC_VERSION: TemplateSections = {
  kubernetes_template: `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Static
kubernetesVersion: {{ .kubernetesVersion | quote }}
podSubnetCIDR: {{ .podSubnetCIDR }}
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`,
  placement_template: `apiVersion: deckhouse.io/v1
kind: StaticClusterConfiguration
internalNetworkCIDRs:
- 10.0.1.0/24
`,
  // Verbatim from Commander's documentation.
  ssh_template: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: {{ .sshUser }}
sshPort: {{ .sshPort }}
sshAgentPrivateKeys:
- key: |
    {{- .sshPrivateKey | nindent 4 }}
{{- range $masterHost := .masterHosts }}
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: {{ $masterHost.ext_ip }}
{{- end }}
`,
  installation_template: `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: registry.deckhouse.io/deckhouse/ce
  registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
---
apiVersion: deckhouse.io/v1alpha1
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
  // The rest of Commander's static example: credentials, a StaticInstance for each extra
  // master, and the master NodeGroup.
  primary_resources_template: `apiVersion: deckhouse.io/v1alpha1
kind: SSHCredentials
metadata:
  name: commander-ssh
spec:
  user: {{ .sshUser }}
  privateSSHKey: {{ .sshPrivateKey | b64enc }}
{{- range $masterHost := slice .masterHosts 1 }}
---
apiVersion: deckhouse.io/v1alpha1
kind: StaticInstance
metadata:
  name: {{ $masterHost.hostname }}
  labels:
    role: master
spec:
  address: {{ $masterHost.int_ip }}
  credentialsRef:
    kind: SSHCredentials
    name: commander-ssh
{{- end }}
---
apiVersion: deckhouse.io/v1
kind: NodeGroup
metadata:
  name: master
spec:
  nodeType: Static
  staticInstances:
    count: {{ sub (len .masterHosts) 1 }}
`,
  resources: [
    {
      name: 'agent',
      sync_mode: 'managed',
      template: `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: commander-agent
spec:
  enabled: true
  version: 1
  settings:
    commanderUrl: "https://{{ .dc_domain }}/agent_api/{{ .dc_clusterUUID }}"
    caBundle: {{ .dc_caBundle }}
`,
    },
  ],
};

export const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
-----END OPENSSH PRIVATE KEY-----`;

export function masterHost(n: number): Record<string, unknown> {
  return {
    'x-commander-record-id': `0190a3c1-7b2e-4c1d-9f00-00000000000${n}`,
    hostname: `master-${n}`,
    ext_ip: `203.0.113.${n}`,
    int_ip: `10.0.1.${n}`,
  };
}

export const STATIC_VALUES: Record<string, unknown> = {
  kubernetesVersion: '1.33',
  sshUser: 'ubuntu',
  sshPrivateKey: PRIVATE_KEY,
  masterHosts: [masterHost(1), masterHost(2), masterHost(3)],
};

export const SPECIALS: SpecialVariables = {
  dc_sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMk commander',
  dc_sshPrivateKey: PRIVATE_KEY,
  dc_clusterUUID: '5f0c3e4a-1b2c-4d5e-8f90-123456789abc',
  dc_domain: 'commander.example.com',
  dc_caBundle: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
};
