import {
  cloudClusterParams,
  cloudNodes,
  cloudSsh,
  COMMON_PARAMS,
  COMMON_RESOURCES,
  field,
  header,
  INSTALLATION,
  IPV4_CIDR_PATTERN,
  KUBERNETES,
  masterReplicasParam,
  type PresetTemplate,
  primaryResources,
  workerScaleParams,
} from './common.js';

/** DKP in VMware vSphere (VsphereClusterConfiguration, cloud-provider-vsphere). */
export const VSPHERE: PresetTemplate = {
  name: 'VMware vSphere cluster',
  comment:
    'DKP in VMware vSphere: a datacenter is the region and clusters are zones (vSphere tags); workers scale through VsphereInstanceClass.',
  params: [
    ...cloudClusterParams('vSphere'),
    ...COMMON_PARAMS,
    header('vCenter', 'vCenter'),
    field(
      { key: 'server', type: 'string', immutable: true, span: 2 },
      { en: 'vCenter address', ru: 'Адрес vCenter' },
      {
        en: 'Host name or IP address, without https://.',
        ru: 'Имя хоста или IP-адрес, без https://.',
      },
    ),
    field({ key: 'username', type: 'string', span: 1 }, { en: 'User', ru: 'Пользователь' }),
    field(
      { key: 'password', type: 'string', format: 'password', span: 1 },
      { en: 'Password', ru: 'Пароль' },
    ),
    field(
      { key: 'insecure', type: 'boolean', default: false, optional: true, span: 1 },
      { en: 'Self-signed certificate', ru: 'Самоподписанный сертификат' },
    ),
    field(
      { key: 'vmFolderPath', type: 'string', default: 'deckhouse', optional: true, span: 3 },
      { en: 'VM folder', ru: 'Каталог виртуальных машин' },
    ),
    header('Placement', 'Размещение'),
    field(
      { key: 'regionTagCategory', type: 'string', default: 'k8s-region', optional: true, span: 1 },
      { en: 'Region tag category', ru: 'Категория тегов регионов' },
    ),
    field(
      { key: 'zoneTagCategory', type: 'string', default: 'k8s-zone', optional: true, span: 1 },
      { en: 'Zone tag category', ru: 'Категория тегов зон' },
    ),
    field(
      { key: 'region', type: 'string', immutable: true, span: 1 },
      { en: 'Region (datacenter tag)', ru: 'Регион (тег датацентра)' },
    ),
    field(
      { key: 'zone', type: 'string', span: 1 },
      { en: 'Zone (cluster tag)', ru: 'Зона (тег кластера)' },
    ),
    field(
      {
        key: 'internalNetworkCIDR',
        type: 'string',
        default: '192.168.199.0/24',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 2,
      },
      { en: 'Internal network', ru: 'Внутренняя сеть' },
    ),
    field(
      { key: 'mainNetwork', type: 'string', span: 1 },
      { en: 'Network (port group)', ru: 'Сеть (port group)' },
    ),
    field({ key: 'datastore', type: 'string', span: 1 }, { en: 'Datastore', ru: 'Datastore' }),
    field(
      { key: 'template', type: 'string', span: 4 },
      { en: 'VM template', ru: 'Шаблон виртуальной машины' },
      {
        en: 'Path to the template from the datacenter, e.g. Templates/ubuntu-22.04.',
        ru: 'Путь к шаблону от датацентра, например Templates/ubuntu-22.04.',
      },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      { key: 'masterCPUs', type: 'number', default: 4, min: 2, max: 64, optional: true, span: 1 },
      { en: 'vCPUs', ru: 'vCPU' },
    ),
    field(
      {
        key: 'masterMemory',
        type: 'number',
        default: 8192,
        min: 4096,
        max: 262144,
        optional: true,
        span: 1,
      },
      { en: 'Memory, MiB', ru: 'Память, МиБ' },
    ),
    field(
      {
        key: 'masterRootDiskSize',
        type: 'number',
        default: 50,
        min: 30,
        max: 2000,
        optional: true,
        span: 1,
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
kind: VsphereClusterConfiguration
layout: Standard
provider:
  server: {{ .server | quote }}
  username: {{ .username | quote }}
  password: {{ .password | quote }}
  insecure: {{ .insecure }}
vmFolderPath: {{ .vmFolderPath | quote }}
regionTagCategory: {{ .regionTagCategory | quote }}
zoneTagCategory: {{ .zoneTagCategory | quote }}
region: {{ .region | quote }}
zones:
  - {{ .zone | quote }}
internalNetworkCIDR: {{ .internalNetworkCIDR }}
sshPublicKey: {{ .dc_sshPublicKey | quote }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  zones:
    - {{ .zone | quote }}
  instanceClass:
    numCPUs: {{ .masterCPUs }}
    memory: {{ .masterMemory }}
    rootDiskSize: {{ .masterRootDiskSize }}
    template: {{ .template | quote }}
    mainNetwork: {{ .mainNetwork | quote }}
    datastore: {{ .datastore | quote }}
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-vsphere'),
  resources: [
    cloudNodes(
      'VsphereInstanceClass',
      `  numCPUs: {{ .workerCPUs }}
  memory: {{ .workerMemory }}
  rootDiskSize: 50
  template: {{ .template | quote }}
  mainNetwork: {{ .mainNetwork | quote }}
  datastore: {{ .datastore | quote }}`,
      '{{ .zone | quote }}',
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    server: 'vcenter.example.com',
    username: 'deckhouse@vsphere.local',
    password: 'example-password',
    region: 'msk-dc1',
    zone: 'msk-dc1-cluster1',
    mainNetwork: 'k8s-net',
    datastore: 'lun-1',
    template: 'Templates/ubuntu-22.04',
  },
  requiredPlacementField: 'vmFolderPath',
};
