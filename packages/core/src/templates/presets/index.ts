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

/** An inventory catalog shipped with the presets (with sample records). */
export type PresetCatalog = {
  slug: string;
  name: string;
  usage: 'SHARED' | 'EXCLUSIVE';
  params: Record<string, unknown>[];
  records: Record<string, unknown>[];
};

/** Registry access of the public Deckhouse CE registry (an empty docker config). */
const CE_DOCKER_CFG = 'eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=';

const COMMON_PARAMS: Record<string, unknown>[] = [
  { header: 'Kubernetes' },
  {
    key: 'kubeVersion',
    type: 'string',
    title: 'Kubernetes version',
    enum: ['Automatic', '1.32', '1.33', '1.34'],
    default: '1.33',
    optional: true,
    span: 1,
  },
  {
    key: 'releaseChannel',
    type: 'string',
    title: 'Update channel',
    enum: ['Alpha', 'Beta', 'EarlyAccess', 'Stable', 'RockSolid'],
    default: 'Stable',
    optional: true,
    span: 1,
  },
  {
    key: 'podSubnetCIDR',
    type: 'string',
    title: 'Pod subnet',
    default: '10.111.0.0/16',
    optional: true,
    immutable: true,
    pattern: '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$',
    span: 1,
  },
  {
    key: 'serviceSubnetCIDR',
    type: 'string',
    title: 'Service subnet',
    default: '10.222.0.0/16',
    optional: true,
    immutable: true,
    pattern: '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$',
    span: 1,
  },
  { header: 'Container images' },
  {
    key: 'imagesRepo',
    type: 'string',
    title: 'Images repository',
    default: 'registry.deckhouse.io/deckhouse/ce',
    optional: true,
    span: 2,
  },
  {
    key: 'registryDockerCfg',
    type: 'string',
    format: 'password',
    title: 'Registry credentials (base64 docker config.json)',
    description: 'Leave empty for the public Deckhouse CE registry.',
    optional: true,
    span: 2,
  },
];

const KUBERNETES = `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: {{ .clusterType }}
{{- if eq .clusterType "Cloud" }}
cloud:
  provider: {{ .provider }}
  prefix: {{ .prefix }}
{{- end }}
kubernetesVersion: {{ .kubeVersion | quote }}
podSubnetCIDR: {{ .podSubnetCIDR | default "10.111.0.0/16" }}
serviceSubnetCIDR: {{ .serviceSubnetCIDR | default "10.222.0.0/16" }}
clusterDomain: cluster.local
`;

const INSTALLATION = `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: {{ .imagesRepo | default "registry.deckhouse.io/deckhouse/ce" }}
  registryDockerCfg: {{ .registryDockerCfg | default "${CE_DOCKER_CFG}" }}
`;

/** The platform's own settings and the agent: Commander creates no invisible configuration. */
const PRIMARY_RESOURCES = `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: deckhouse
spec:
  version: 1
  enabled: true
  settings:
    bundle: Default
    releaseChannel: {{ .releaseChannel }}
---
apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: commander-agent
  labels:
    heritage: deckhouse-commander
spec:
  enabled: true
  version: 1
  settings:
    commanderUrl: "http://{{ .dc_domain }}/agent_api/{{ .dc_clusterUUID }}"
`;

const RESOURCES: ResourceGroupTemplate[] = [
  {
    name: 'platform',
    sync_mode: 'managed',
    template: `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: global
spec:
  version: 2
  settings:
    modules:
      publicDomainTemplate: "%s.{{ .clusterName | default "cluster" }}.example.com"
---
apiVersion: v1
kind: Namespace
metadata:
  name: apps
`,
  },
  {
    name: 'workloads',
    sync_mode: 'unmanaged',
    template: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-info
  namespace: apps
data:
  managedBy: commander
  clusterUUID: {{ .dc_clusterUUID | quote }}
`,
  },
];

const STATIC: PresetTemplate = {
  name: 'Static cluster',
  comment:
    'DKP on existing machines reached over SSH; masters come from the "Static hosts" inventory.',
  params: [
    { header: 'Cluster' },
    { key: 'clusterType', type: 'string', title: 'Cluster type', default: 'Static', hidden: true },
    {
      key: 'clusterName',
      type: 'string',
      title: 'Short name (for domains)',
      default: 'cluster',
      optional: true,
      pattern: '^[a-z0-9-]{1,30}$',
      span: 2,
    },
    {
      key: 'internalNetworkCIDR',
      type: 'string',
      title: 'Internal network of the nodes',
      default: '10.0.1.0/24',
      optional: true,
      pattern: '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$',
      span: 2,
    },
    ...COMMON_PARAMS,
    { header: 'SSH access to the masters' },
    {
      key: 'masterHosts',
      title: 'Master hosts',
      catalog: 'static-hosts',
      minItems: 1,
      maxItems: 3,
      autoselect: true,
      span: 4,
    },
    {
      key: 'sshUser',
      type: 'string',
      title: 'SSH user',
      default: 'ubuntu',
      optional: true,
      span: 1,
    },
    {
      key: 'sshPort',
      type: 'number',
      title: 'SSH port',
      default: 22,
      min: 1,
      max: 65535,
      optional: true,
      span: 1,
    },
    {
      key: 'sshPrivateKey',
      type: 'string',
      format: 'password',
      title: 'SSH private key',
      description:
        'Leave empty to use the key pair Commander generated for this cluster (put its public key on the hosts).',
      optional: true,
      span: 2,
    },
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: StaticClusterConfiguration
internalNetworkCIDRs:
  - {{ .internalNetworkCIDR | default "10.0.1.0/24" }}
`,
  ssh_template: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: {{ .sshUser | default "ubuntu" }}
sshPort: {{ .sshPort | default 22 }}
sshAgentPrivateKeys:
- key: |
    {{- .sshPrivateKey | default .dc_sshPrivateKey | nindent 4 }}
{{- range $host := .masterHosts }}
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: {{ $host.host }}
{{- end }}
`,
  installation_template: INSTALLATION,
  primary_resources_template: PRIMARY_RESOURCES,
  resources: RESOURCES,
};

const YANDEX: PresetTemplate = {
  name: 'Yandex Cloud cluster',
  comment: 'DKP in Yandex Cloud: Commander creates the network and the masters with dhctl.',
  params: [
    { header: 'Cluster' },
    { key: 'clusterType', type: 'string', title: 'Cluster type', default: 'Cloud', hidden: true },
    { key: 'provider', type: 'string', title: 'Cloud provider', default: 'Yandex', hidden: true },
    {
      key: 'prefix',
      type: 'string',
      title: 'Resource prefix',
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      maxLength: 45,
      immutable: true,
      unique: true,
      span: 2,
    },
    {
      key: 'clusterName',
      type: 'string',
      title: 'Short name (for domains)',
      default: 'cluster',
      optional: true,
      pattern: '^[a-z0-9-]{1,30}$',
      span: 2,
    },
    ...COMMON_PARAMS,
    { header: 'Yandex Cloud' },
    { key: 'cloudID', type: 'string', title: 'Cloud ID', immutable: true, span: 2 },
    { key: 'folderID', type: 'string', title: 'Folder ID', immutable: true, span: 2 },
    {
      key: 'serviceAccountJSON',
      type: 'string',
      format: 'password',
      title: 'Service account key (JSON)',
      description: 'The authorized key of a service account with the editor role in the folder.',
      span: 4,
    },
    {
      key: 'nodeNetworkCIDR',
      type: 'string',
      title: 'Node network',
      default: '10.241.32.0/20',
      optional: true,
      immutable: true,
      span: 2,
    },
    {
      key: 'layout',
      type: 'string',
      title: 'Layout',
      enum: ['Standard', 'WithoutNAT'],
      default: 'Standard',
      optional: true,
      span: 2,
    },
    { header: 'Masters' },
    {
      key: 'masterReplicas',
      type: 'number',
      title: 'Masters',
      enum: [1, 3],
      default: 1,
      optional: true,
      span: 1,
    },
    {
      key: 'masterCores',
      type: 'number',
      title: 'CPU cores',
      default: 4,
      min: 2,
      max: 64,
      optional: true,
      span: 1,
    },
    {
      key: 'masterMemory',
      type: 'number',
      title: 'Memory, MiB',
      default: 8192,
      min: 4096,
      max: 262144,
      optional: true,
      span: 1,
    },
    {
      key: 'imageID',
      type: 'string',
      title: 'Image ID',
      default: 'fd80bm0rh4rkepi5ksdi',
      optional: true,
      span: 1,
    },
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: YandexClusterConfiguration
layout: {{ .layout }}
nodeNetworkCIDR: {{ .nodeNetworkCIDR | default "10.241.32.0/20" }}
sshPublicKey: {{ .dc_sshPublicKey | quote }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    cores: {{ .masterCores | default 4 }}
    memory: {{ .masterMemory | default 8192 }}
    imageID: {{ .imageID | default "fd80bm0rh4rkepi5ksdi" }}
provider:
  cloudID: {{ .cloudID | quote }}
  folderID: {{ .folderID | quote }}
  serviceAccountJSON: {{ .serviceAccountJSON | toJson }}
`,
  ssh_template: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshPort: 22
sshAgentPrivateKeys:
- key: |
    {{- .dc_sshPrivateKey | nindent 4 }}
`,
  installation_template: INSTALLATION,
  primary_resources_template: PRIMARY_RESOURCES,
  resources: RESOURCES,
};

/** Preset templates, by name. Changing a preset adds a new version on the next start. */
export const PRESET_TEMPLATES: PresetTemplate[] = [STATIC, YANDEX];

/** Catalogs the presets use, created (with their sample records) when missing. */
export const PRESET_CATALOGS: PresetCatalog[] = [
  {
    slug: 'static-hosts',
    name: 'Static hosts',
    usage: 'EXCLUSIVE',
    params: [
      {
        key: 'host',
        type: 'string',
        format: 'ipv4',
        title: 'IP address',
        identifier: true,
        unique: true,
        span: 2,
      },
      { key: 'hostname', type: 'string', title: 'Hostname', identifier: true, span: 2 },
    ],
    records: Array.from({ length: 8 }, (_, i) => ({
      host: `10.0.1.${11 + i}`,
      hostname: `node-${i + 1}`,
    })),
  },
];
