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

/** DKP in OpenStack (OpenStackClusterConfiguration, cloud-provider-openstack). */
export const OPENSTACK: PresetTemplate = {
  name: 'OpenStack cluster',
  comment:
    'DKP in OpenStack: dhctl creates the network, router and masters; workers scale through OpenStackInstanceClass.',
  params: [
    ...cloudClusterParams('OpenStack'),
    ...COMMON_PARAMS,
    header('OpenStack API', 'API OpenStack'),
    field(
      {
        key: 'authURL',
        type: 'string',
        format: 'url',
        immutable: true,
        span: 2,
      },
      { en: 'Identity API URL', ru: 'URL Identity API' },
      {
        en: 'OS_AUTH_URL from the openrc file, e.g. https://cloud.example.com:5000/v3/.',
        ru: 'OS_AUTH_URL из файла openrc, например https://cloud.example.com:5000/v3/.',
      },
    ),
    field(
      {
        key: 'region',
        type: 'string',
        default: 'RegionOne',
        optional: true,
        immutable: true,
        span: 1,
      },
      { en: 'Region', ru: 'Регион' },
    ),
    field(
      { key: 'domainName', type: 'string', default: 'Default', optional: true, span: 1 },
      { en: 'Domain', ru: 'Домен' },
      {
        en: 'OS_USER_DOMAIN_NAME from the openrc file.',
        ru: 'OS_USER_DOMAIN_NAME из файла openrc.',
      },
    ),
    field(
      { key: 'tenantName', type: 'string', immutable: true, span: 2 },
      { en: 'Project name', ru: 'Имя проекта' },
    ),
    field({ key: 'username', type: 'string', span: 1 }, { en: 'User', ru: 'Пользователь' }),
    field(
      { key: 'password', type: 'string', format: 'password', span: 1 },
      { en: 'Password', ru: 'Пароль' },
    ),
    header('Network', 'Сеть'),
    field(
      {
        key: 'layout',
        type: 'string',
        enum: ['Standard', 'Simple'],
        default: 'Standard',
        optional: true,
        immutable: true,
        span: 1,
      },
      { en: 'Layout', ru: 'Схема размещения' },
      {
        en: 'Standard: an internal network with a router to the external one; Simple: nodes sit in the external network.',
        ru: 'Standard — внутренняя сеть с маршрутизатором во внешнюю; Simple — узлы находятся во внешней сети.',
      },
    ),
    field(
      { key: 'externalNetworkName', type: 'string', default: 'public', optional: true, span: 1 },
      { en: 'External network', ru: 'Внешняя сеть' },
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
      { en: 'Internal network (Standard)', ru: 'Внутренняя сеть (Standard)' },
    ),
    field(
      {
        key: 'dnsServer',
        type: 'string',
        default: '8.8.8.8',
        optional: true,
        pattern: IPV4_PATTERN,
        span: 1,
      },
      { en: 'DNS server (Standard)', ru: 'DNS-сервер (Standard)' },
    ),
    field(
      { key: 'zone', type: 'string', default: 'nova', optional: true, span: 2 },
      { en: 'Availability zone', ru: 'Зона доступности' },
    ),
    field(
      { key: 'volumeType', type: 'string', default: '__DEFAULT__', optional: true, span: 2 },
      { en: 'Volume type for etcd', ru: 'Тип диска для etcd' },
      {
        en: 'A volume type of the zone (openstack volume type list).',
        ru: 'Тип диска в зоне (openstack volume type list).',
      },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      { key: 'masterFlavor', type: 'string', default: 'm1.large', optional: true, span: 1 },
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
        default: 'ubuntu-22-04-cloud-amd64',
        optional: true,
        span: 1,
      },
      { en: 'Image', ru: 'Образ' },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      { key: 'workerFlavor', type: 'string', default: 'm1.large', optional: true, span: 2 },
      { en: 'Flavor', ru: 'Flavor' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: OpenStackClusterConfiguration
layout: {{ .layout }}
{{- if eq .layout "Standard" }}
standard:
  internalNetworkCIDR: {{ .internalNetworkCIDR }}
  internalNetworkDNSServers:
    - {{ .dnsServer }}
  internalNetworkSecurity: true
  externalNetworkName: {{ .externalNetworkName | quote }}
{{- else }}
simple:
  externalNetworkName: {{ .externalNetworkName | quote }}
{{- end }}
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
  authURL: {{ .authURL | quote }}
  domainName: {{ .domainName | quote }}
  tenantName: {{ .tenantName | quote }}
  username: {{ .username | quote }}
  password: {{ .password | quote }}
  region: {{ .region | quote }}
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-openstack'),
  resources: [
    cloudNodes(
      'OpenStackInstanceClass',
      `  flavorName: {{ .workerFlavor | quote }}
  imageName: {{ .imageName | quote }}
  rootDiskSize: 50`,
      '{{ .zone | quote }}',
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    authURL: 'https://openstack.example.com:5000/v3/',
    tenantName: 'demo-project',
    username: 'deckhouse',
    password: 'example-password',
  },
  requiredPlacementField: 'provider.authURL',
};
