import {
  cloudClusterParams,
  cloudNodes,
  cloudSsh,
  COMMON_PARAMS,
  COMMON_RESOURCES,
  field,
  header,
  INSTALLATION,
  KUBERNETES,
  masterReplicasParam,
  type PresetTemplate,
  primaryResources,
  UUID_PATTERN,
  workerScaleParams,
} from './common.js';

/** DKP in zVirt (ZvirtClusterConfiguration, cloud-provider-zvirt). */
export const ZVIRT: PresetTemplate = {
  name: 'zVirt cluster',
  comment:
    'DKP in zVirt (oVirt): masters from a VM template in a zVirt cluster; workers scale through ZvirtInstanceClass.',
  params: [
    ...cloudClusterParams('Zvirt'),
    ...COMMON_PARAMS,
    header('zVirt API', 'API zVirt'),
    field(
      { key: 'server', type: 'string', format: 'url', immutable: true, span: 2 },
      { en: 'API URL', ru: 'URL API' },
      {
        en: 'The engine API, e.g. https://zvirt.example.com/ovirt-engine/api.',
        ru: 'API менеджера, например https://zvirt.example.com/ovirt-engine/api.',
      },
    ),
    field(
      { key: 'username', type: 'string', default: 'admin@internal', optional: true, span: 1 },
      { en: 'User', ru: 'Пользователь' },
    ),
    field(
      { key: 'password', type: 'string', format: 'password', span: 1 },
      { en: 'Password', ru: 'Пароль' },
    ),
    field(
      { key: 'insecure', type: 'boolean', default: false, optional: true, span: 1 },
      { en: 'Self-signed certificate', ru: 'Самоподписанный сертификат' },
    ),
    field(
      { key: 'clusterID', type: 'string', pattern: UUID_PATTERN, immutable: true, span: 3 },
      { en: 'zVirt cluster ID', ru: 'ID кластера zVirt' },
    ),
    header('Virtual machines', 'Виртуальные машины'),
    field({ key: 'template', type: 'string', span: 2 }, { en: 'VM template', ru: 'Шаблон ВМ' }),
    field(
      { key: 'vnicProfileID', type: 'string', pattern: UUID_PATTERN, span: 2 },
      { en: 'vNIC profile ID', ru: 'ID профиля vNIC' },
    ),
    field(
      { key: 'storageDomainID', type: 'string', pattern: UUID_PATTERN, span: 2 },
      { en: 'Storage domain ID', ru: 'ID домена хранения' },
    ),
    masterReplicasParam(),
    field(
      { key: 'masterCPUs', type: 'number', default: 4, min: 2, max: 64, optional: true, span: 1 },
      { en: 'Master vCPUs', ru: 'vCPU master-узла' },
    ),
    field(
      {
        key: 'masterMemory',
        type: 'number',
        default: 8192,
        min: 4096,
        max: 262144,
        optional: true,
        span: 2,
      },
      { en: 'Master memory, MiB', ru: 'Память master-узла, МиБ' },
    ),
    field(
      {
        key: 'rootDiskSizeGb',
        type: 'number',
        default: 50,
        min: 30,
        max: 2000,
        optional: true,
        span: 2,
      },
      { en: 'Root disk, GiB', ru: 'Корневой диск, ГиБ' },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      { key: 'workerCPUs', type: 'number', default: 4, min: 1, max: 64, optional: true, span: 1 },
      { en: 'vCPUs', ru: 'vCPU' },
    ),
    field(
      {
        key: 'workerMemory',
        type: 'number',
        default: 8192,
        min: 2048,
        max: 262144,
        optional: true,
        span: 1,
      },
      { en: 'Memory, MiB', ru: 'Память, МиБ' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: ZvirtClusterConfiguration
layout: Standard
sshPublicKey: {{ .dc_sshPublicKey | quote }}
clusterID: {{ .clusterID | quote }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    numCPUs: {{ .masterCPUs }}
    memory: {{ .masterMemory }}
    rootDiskSizeGb: {{ .rootDiskSizeGb }}
    template: {{ .template | quote }}
    vnicProfileID: {{ .vnicProfileID | quote }}
    storageDomainID: {{ .storageDomainID | quote }}
provider:
  server: {{ .server | quote }}
  username: {{ .username | quote }}
  password: {{ .password | quote }}
  insecure: {{ .insecure }}
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-zvirt'),
  resources: [
    cloudNodes(
      'ZvirtInstanceClass',
      `  numCPUs: {{ .workerCPUs }}
  memory: {{ .workerMemory }}
  rootDiskSizeGb: {{ .rootDiskSizeGb }}
  template: {{ .template | quote }}
  vnicProfileID: {{ .vnicProfileID | quote }}
  storageDomainID: {{ .storageDomainID | quote }}`,
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    server: 'https://zvirt.example.com/ovirt-engine/api',
    password: 'example-password',
    clusterID: 'b46372e7-0d52-40c7-9bbf-fda31e187088',
    template: 'debian-bookworm',
    vnicProfileID: '49bb4594-0cd4-4eb7-8288-8594eafd5a86',
    storageDomainID: 'c4bf82a5-b803-40c3-9f6c-b9398378f424',
  },
  requiredPlacementField: 'clusterID',
};
