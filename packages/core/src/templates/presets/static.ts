import {
  clusterNameParam,
  COMMON_PARAMS,
  COMMON_RESOURCES,
  field,
  header,
  INSTALLATION,
  IPV4_CIDR_PATTERN,
  KUBERNETES,
  type PresetTemplate,
  primaryResources,
} from './common.js';

/** DKP on existing machines (bare metal or any VMs) reached over SSH. */
export const STATIC: PresetTemplate = {
  name: 'Static cluster',
  comment:
    'DKP on existing machines reached over SSH; masters come from the "Static hosts" inventory.',
  params: [
    header('Cluster', 'Кластер'),
    field(
      { key: 'clusterType', type: 'string', default: 'Static', hidden: true },
      { en: 'Cluster type', ru: 'Тип кластера' },
    ),
    clusterNameParam(),
    field(
      {
        key: 'internalNetworkCIDR',
        type: 'string',
        default: '10.0.1.0/24',
        optional: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 2,
      },
      { en: 'Internal network of the nodes', ru: 'Внутренняя сеть узлов' },
      {
        en: 'DKP uses the node addresses from this network for cluster traffic.',
        ru: 'DKP использует адреса узлов из этой сети для трафика кластера.',
      },
    ),
    ...COMMON_PARAMS,
    header('SSH access to the masters', 'SSH-доступ к master-узлам'),
    field(
      {
        key: 'masterHosts',
        catalog: 'static-hosts',
        minItems: 1,
        maxItems: 3,
        autoselect: true,
        span: 4,
      },
      { en: 'Master hosts', ru: 'Хосты master-узлов' },
      {
        en: 'Machines from the "Static hosts" inventory; the first one is bootstrapped.',
        ru: 'Машины из каталога «Static hosts»; установка начинается с первой.',
      },
    ),
    field(
      { key: 'sshUser', type: 'string', default: 'ubuntu', optional: true, span: 1 },
      { en: 'SSH user', ru: 'Пользователь SSH' },
    ),
    field(
      {
        key: 'sshPort',
        type: 'number',
        default: 22,
        min: 1,
        max: 65535,
        optional: true,
        span: 1,
      },
      { en: 'SSH port', ru: 'Порт SSH' },
    ),
    field(
      { key: 'sshPrivateKey', type: 'string', format: 'password', optional: true, span: 2 },
      { en: 'SSH private key', ru: 'Приватный ключ SSH' },
      {
        en: 'Leave empty to use the key pair Commander generated for this cluster (put its public key on the hosts).',
        ru: 'Оставьте пустым, чтобы использовать ключ, созданный Commander для этого кластера (добавьте его публичную часть на хосты).',
      },
    ),
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
  primary_resources_template: primaryResources(),
  resources: [
    {
      name: 'nodes',
      sync_mode: 'managed',
      template: `apiVersion: deckhouse.io/v1
kind: NodeGroup
metadata:
  name: worker
spec:
  nodeType: Static
  nodeTemplate:
    labels:
      node-role.deckhouse.io/worker: ""
`,
    },
    ...COMMON_RESOURCES,
  ],
  // masterHosts comes from the catalog (see the tests); everything else has a default.
  example: {},
  requiredPlacementField: 'apiVersion',
};
