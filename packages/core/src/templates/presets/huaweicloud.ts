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
  IPV4_PATTERN,
  KUBERNETES,
  masterReplicasParam,
  type PresetTemplate,
  primaryResources,
  workerScaleParams,
} from './common.js';

const REGIONS = [
  'ru-moscow-1',
  'ap-southeast-1',
  'ap-southeast-3',
  'cn-north-4',
  'eu-west-101',
  'af-south-1',
  'tr-west-1',
];

/** DKP in Huawei Cloud and Cloud.ru Advanced (HuaweiCloudClusterConfiguration, cloud-provider-huaweicloud). */
export const HUAWEICLOUD: PresetTemplate = {
  name: 'Huawei Cloud cluster',
  comment:
    'DKP in Huawei Cloud (and Cloud.ru Advanced): dhctl creates the network and the masters; workers scale through HuaweiCloudInstanceClass.',
  params: [
    ...cloudClusterParams('Huaweicloud'),
    ...COMMON_PARAMS,
    header('Huawei Cloud access', 'Доступ к Huawei Cloud'),
    field(
      { key: 'cloud', type: 'string', default: 'myhuaweicloud.com', optional: true, span: 2 },
      { en: 'Cloud endpoint', ru: 'Адрес облака' },
      { en: 'The domain of the cloud API endpoints.', ru: 'Домен конечных точек API облака.' },
    ),
    field(
      {
        key: 'region',
        type: 'string',
        enum: REGIONS,
        default: 'ru-moscow-1',
        optional: true,
        immutable: true,
        span: 2,
      },
      { en: 'Region', ru: 'Регион' },
    ),
    field(
      { key: 'accessKey', type: 'string', span: 2 },
      { en: 'Access key', ru: 'Ключ доступа (AK)' },
    ),
    field(
      { key: 'secretKey', type: 'string', format: 'password', span: 2 },
      { en: 'Secret key', ru: 'Секретный ключ (SK)' },
    ),
    field(
      { key: 'zone', type: 'string', default: 'ru-moscow-1a', optional: true, span: 1 },
      { en: 'Availability zone', ru: 'Зона доступности' },
    ),
    field(
      { key: 'volumeType', type: 'string', default: 'SSD', optional: true, span: 1 },
      { en: 'Volume type for etcd', ru: 'Тип диска для etcd' },
    ),
    field(
      {
        key: 'internalNetworkCIDR',
        type: 'string',
        default: '192.168.199.0/24',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 1,
      },
      { en: 'Internal network', ru: 'Внутренняя сеть' },
    ),
    field(
      {
        key: 'dnsServer',
        type: 'string',
        default: '100.125.13.59',
        optional: true,
        pattern: IPV4_PATTERN,
        span: 1,
      },
      { en: 'DNS server', ru: 'DNS-сервер' },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      { key: 'masterFlavor', type: 'string', default: 's7n.xlarge.4', optional: true, span: 1 },
      { en: 'Flavor', ru: 'Flavor' },
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
      { en: 'Root disk, GB', ru: 'Корневой диск, ГБ' },
    ),
    field(
      {
        key: 'imageName',
        type: 'string',
        default: 'Ubuntu 22.04 server 64bit',
        optional: true,
        span: 1,
      },
      { en: 'Image', ru: 'Образ' },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      { key: 'workerFlavor', type: 'string', default: 's7n.xlarge.2', optional: true, span: 2 },
      { en: 'Flavor', ru: 'Flavor' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: HuaweiCloudClusterConfiguration
layout: Standard
standard:
  internalNetworkCIDR: {{ .internalNetworkCIDR }}
  internalNetworkDNSServers:
    - {{ .dnsServer }}
  internalNetworkSecurity: true
  enableEIP: true
sshPublicKey: {{ .dc_sshPublicKey | quote }}
zones:
  - {{ .zone | quote }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    flavorName: {{ .masterFlavor | quote }}
    imageName: {{ .imageName | quote }}
    rootDiskSize: {{ .masterRootDiskSize }}
  volumeTypeMap:
    {{ .zone | quote }}: {{ .volumeType | quote }}
provider:
  cloud: {{ .cloud | quote }}
  region: {{ .region | quote }}
  accessKey: {{ .accessKey | quote }}
  secretKey: {{ .secretKey | quote }}
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-huaweicloud'),
  resources: [
    cloudNodes(
      'HuaweiCloudInstanceClass',
      `  flavorName: {{ .workerFlavor | quote }}
  imageName: {{ .imageName | quote }}
  rootDiskSize: 50`,
      '{{ .zone | quote }}',
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    accessKey: 'EXAMPLEACCESSKEY',
    secretKey: 'example-secret-key',
  },
  requiredPlacementField: 'provider.secretKey',
};
