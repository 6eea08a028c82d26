// Building blocks shared by the preset templates: bilingual params, the ClusterConfiguration,
// InitConfiguration and primary-resources sections, and the resource groups every preset has.
// Field names follow DKP's configuration references (dhctl-protocol.md §4 and the candi OpenAPI
// specs of each cloud-provider module).

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
  /**
   * Values a user would enter (required fields only, with made-up identifiers and secrets): the
   * preset must render with them and its documents must validate. Not installed anywhere.
   */
  example: Record<string, unknown>;
  /**
   * A field of the placement document that DKP requires (dotted path): the tests remove it and
   * expect the validation error to name it.
   */
  requiredPlacementField: string;
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
export const CE_DOCKER_CFG = 'eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=';

/** A text in English (the canonical one, shown in the audit) and Russian. */
export type Texts = { en: string; ru: string };

/**
 * A field with its title (and description) in English and Russian: `title`/`description` carry
 * the English text, `i18n.ru` the Russian one (see the renderer's params schema).
 */
export function field(
  spec: Record<string, unknown>,
  title: Texts,
  description?: Texts,
): Record<string, unknown> {
  const ru: Record<string, string> = { title: title.ru };
  const out: Record<string, unknown> = { ...spec, title: title.en };
  if (description) {
    out.description = description.en;
    ru.description = description.ru;
  }
  out.i18n = { ru };
  return out;
}

/** A `{header}` separator in English and Russian. */
export function header(en: string, ru: string): Record<string, unknown> {
  return { header: en, i18n: { ru: { header: ru } } };
}

export const IPV4_CIDR_PATTERN = '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$';
export const IPV4_PATTERN = '^(\\d{1,3}\\.){3}\\d{1,3}$';
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
// `cloud.prefix` of ClusterConfiguration.
const PREFIX_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** Kubernetes version, update channel, subnets and registry: every preset asks for them. */
export const COMMON_PARAMS: Record<string, unknown>[] = [
  header('Kubernetes', 'Kubernetes'),
  field(
    {
      key: 'kubeVersion',
      type: 'string',
      enum: ['Automatic', '1.32', '1.33', '1.34'],
      default: '1.33',
      optional: true,
      span: 1,
    },
    { en: 'Kubernetes version', ru: 'Версия Kubernetes' },
  ),
  field(
    {
      key: 'releaseChannel',
      type: 'string',
      enum: ['Alpha', 'Beta', 'EarlyAccess', 'Stable', 'RockSolid'],
      default: 'Stable',
      optional: true,
      span: 1,
    },
    { en: 'Update channel', ru: 'Канал обновлений' },
  ),
  field(
    {
      key: 'podSubnetCIDR',
      type: 'string',
      default: '10.111.0.0/16',
      optional: true,
      immutable: true,
      pattern: IPV4_CIDR_PATTERN,
      span: 1,
    },
    { en: 'Pod subnet', ru: 'Подсеть подов' },
  ),
  field(
    {
      key: 'serviceSubnetCIDR',
      type: 'string',
      default: '10.222.0.0/16',
      optional: true,
      immutable: true,
      pattern: IPV4_CIDR_PATTERN,
      span: 1,
    },
    { en: 'Service subnet', ru: 'Подсеть сервисов' },
  ),
  header('Container images', 'Образы контейнеров'),
  field(
    {
      key: 'imagesRepo',
      type: 'string',
      default: 'registry.deckhouse.io/deckhouse/ce',
      optional: true,
      span: 2,
    },
    { en: 'Images repository', ru: 'Репозиторий образов' },
  ),
  field(
    { key: 'registryDockerCfg', type: 'string', format: 'password', optional: true, span: 2 },
    {
      en: 'Registry credentials (base64 docker config.json)',
      ru: 'Доступ к registry (docker config.json в base64)',
    },
    {
      en: 'Leave empty for the public Deckhouse CE registry.',
      ru: 'Оставьте пустым для публичного registry Deckhouse CE.',
    },
  ),
];

/** The hidden `clusterType`/`provider` fields and the prefix and short name of a cloud cluster. */
export function cloudClusterParams(provider: string): Record<string, unknown>[] {
  return [
    header('Cluster', 'Кластер'),
    field(
      { key: 'clusterType', type: 'string', default: 'Cloud', hidden: true },
      { en: 'Cluster type', ru: 'Тип кластера' },
    ),
    field(
      { key: 'provider', type: 'string', default: provider, hidden: true },
      { en: 'Cloud provider', ru: 'Облачный провайдер' },
    ),
    field(
      {
        key: 'prefix',
        type: 'string',
        pattern: PREFIX_PATTERN,
        maxLength: 45,
        immutable: true,
        unique: true,
        span: 2,
      },
      { en: 'Resource prefix', ru: 'Префикс ресурсов' },
      {
        en: 'Prepended to the names of the cloud resources DKP creates; lowercase letters, digits and "-".',
        ru: 'Добавляется к именам облачных ресурсов, которые создаёт DKP; строчные буквы, цифры и «-».',
      },
    ),
    clusterNameParam(),
  ];
}

/** The short name used in the public domain template. */
export function clusterNameParam(): Record<string, unknown> {
  return field(
    {
      key: 'clusterName',
      type: 'string',
      default: 'cluster',
      optional: true,
      pattern: '^[a-z0-9-]{1,30}$',
      span: 2,
    },
    { en: 'Short name (for domains)', ru: 'Короткое имя (для доменов)' },
  );
}

/** Master count, the same for every provider (an odd number keeps the etcd quorum). */
export function masterReplicasParam(): Record<string, unknown> {
  return field(
    { key: 'masterReplicas', type: 'number', enum: [1, 3], default: 1, optional: true, span: 1 },
    { en: 'Masters', ru: 'Количество master-узлов' },
  );
}

/** Autoscaling bounds of the `worker` NodeGroup (CloudEphemeral nodes per zone). */
export function workerScaleParams(): Record<string, unknown>[] {
  return [
    field(
      {
        key: 'workerMinPerZone',
        type: 'number',
        default: 1,
        min: 0,
        max: 100,
        optional: true,
        span: 1,
      },
      { en: 'Workers per zone, minimum', ru: 'Рабочих узлов в зоне, минимум' },
    ),
    field(
      {
        key: 'workerMaxPerZone',
        type: 'number',
        default: 3,
        min: 1,
        max: 100,
        optional: true,
        span: 1,
      },
      { en: 'Workers per zone, maximum', ru: 'Рабочих узлов в зоне, максимум' },
    ),
  ];
}

/** `ClusterConfiguration` (the `kubernetes` section), for static and cloud clusters. */
export const KUBERNETES = `apiVersion: deckhouse.io/v1
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

/** `InitConfiguration` (the `installation` section). */
export const INSTALLATION = `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: {{ .imagesRepo | default "registry.deckhouse.io/deckhouse/ce" }}
  registryDockerCfg: {{ .registryDockerCfg | default "${CE_DOCKER_CFG}" }}
`;

/** SSH to the masters of a cloud cluster: the key pair Commander generated for the cluster. */
export function cloudSsh(user: string): string {
  return `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ${user}
sshPort: 22
sshAgentPrivateKeys:
- key: |
    {{- .dc_sshPrivateKey | nindent 4 }}
`;
}

/**
 * The platform's own settings and the agent (the `primary_resources` section): Commander creates
 * no invisible configuration. `providerModule` adds the ModuleConfig enabling the cloud provider's
 * module (dhctl enables it from `cloud.provider` as well; the document makes it visible). Its
 * connection settings stay in the `<Provider>ClusterConfiguration`, the module reads them there.
 */
export function primaryResources(providerModule?: string): string {
  const provider = providerModule
    ? `---
apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: ${providerModule}
spec:
  enabled: true
`
    : '';
  return `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: deckhouse
spec:
  version: 1
  enabled: true
  settings:
    bundle: Default
    releaseChannel: {{ .releaseChannel }}
${provider}---
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
}

/** The `platform` and `workloads` groups every preset ends with. */
export const COMMON_RESOURCES: ResourceGroupTemplate[] = [
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

/**
 * The `nodes` group of a cloud preset: the `worker` InstanceClass of the provider and a
 * CloudEphemeral NodeGroup (deckhouse.io/v1) that scales it between the per-zone bounds.
 * `zones` is a template expression for the zone list (null: every zone of the region).
 */
export function cloudNodes(
  instanceClassKind: string,
  instanceClassSpec: string,
  zones: string | null = null,
): ResourceGroupTemplate {
  const zoneList = zones === null ? '' : `\n    zones:\n      - ${zones}`;
  return {
    name: 'nodes',
    sync_mode: 'managed',
    template: `apiVersion: deckhouse.io/v1
kind: ${instanceClassKind}
metadata:
  name: worker
spec:
${instanceClassSpec.trimEnd()}
---
apiVersion: deckhouse.io/v1
kind: NodeGroup
metadata:
  name: worker
spec:
  nodeType: CloudEphemeral
  cloudInstances:
    classReference:
      kind: ${instanceClassKind}
      name: worker
    minPerZone: {{ .workerMinPerZone }}
    maxPerZone: {{ .workerMaxPerZone }}${zoneList}
  nodeTemplate:
    labels:
      node-role.deckhouse.io/worker: ""
`,
  };
}
