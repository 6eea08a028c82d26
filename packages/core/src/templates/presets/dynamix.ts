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

/** DKP in Basis.DynamiX (DynamixClusterConfiguration, cloud-provider-dynamix). */
export const DYNAMIX: PresetTemplate = {
  name: 'Basis.DynamiX cluster',
  comment:
    'DKP in Basis.DynamiX: masters in an account of a grid; workers scale through DynamixInstanceClass.',
  params: [
    ...cloudClusterParams('Dynamix'),
    ...COMMON_PARAMS,
    header('DynamiX API', 'API DynamiX'),
    field(
      { key: 'controllerUrl', type: 'string', format: 'url', immutable: true, span: 2 },
      { en: 'Controller URL', ru: 'URL контроллера' },
    ),
    field(
      { key: 'oAuth2Url', type: 'string', format: 'url', span: 2 },
      { en: 'SSO (OAuth2) URL', ru: 'URL SSO (OAuth2)' },
    ),
    field({ key: 'appId', type: 'string', span: 2 }, { en: 'Application ID', ru: 'ID приложения' }),
    field(
      { key: 'appSecret', type: 'string', format: 'password', span: 2 },
      { en: 'Application secret', ru: 'Секрет приложения' },
    ),
    field(
      { key: 'insecure', type: 'boolean', default: false, optional: true, span: 1 },
      { en: 'Self-signed certificate', ru: 'Самоподписанный сертификат' },
    ),
    field(
      { key: 'location', type: 'string', immutable: true, span: 1 },
      { en: 'Location (grid)', ru: 'Расположение (grid)' },
    ),
    field(
      { key: 'account', type: 'string', immutable: true, span: 1 },
      { en: 'Account', ru: 'Аккаунт' },
    ),
    field(
      { key: 'storagePolicy', type: 'string', span: 1 },
      { en: 'Storage policy', ru: 'Политика хранения' },
    ),
    header('Network', 'Сеть'),
    field(
      {
        key: 'layout',
        type: 'string',
        enum: ['StandardWithInternalNetwork', 'Standard'],
        default: 'StandardWithInternalNetwork',
        optional: true,
        immutable: true,
        span: 2,
      },
      { en: 'Layout', ru: 'Схема размещения' },
      {
        en: 'StandardWithInternalNetwork: nodes in an internal network (ViNS) behind the external one.',
        ru: 'StandardWithInternalNetwork — узлы во внутренней сети (ViNS) за внешней.',
      },
    ),
    field(
      {
        key: 'nodeNetworkCIDR',
        type: 'string',
        default: '10.241.32.0/24',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 1,
      },
      { en: 'Internal network', ru: 'Внутренняя сеть' },
    ),
    field(
      {
        key: 'nameserver',
        type: 'string',
        default: '8.8.8.8',
        optional: true,
        pattern: IPV4_PATTERN,
        span: 1,
      },
      { en: 'DNS server', ru: 'DNS-сервер' },
    ),
    field(
      { key: 'externalNetwork', type: 'string', span: 2 },
      { en: 'External network', ru: 'Внешняя сеть' },
    ),
    field({ key: 'imageName', type: 'string', span: 2 }, { en: 'OS image', ru: 'Образ ОС' }),
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
        key: 'rootDiskSizeGb',
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
kind: DynamixClusterConfiguration
layout: {{ .layout }}
sshPublicKey: {{ .dc_sshPublicKey | quote }}
location: {{ .location | quote }}
account: {{ .account | quote }}
storagePolicy: {{ .storagePolicy | quote }}
{{- if eq .layout "StandardWithInternalNetwork" }}
nodeNetworkCIDR: {{ .nodeNetworkCIDR }}
{{- end }}
nameservers:
  - {{ .nameserver }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    numCPUs: {{ .masterCPUs }}
    memory: {{ .masterMemory }}
    rootDiskSizeGb: {{ .rootDiskSizeGb }}
    imageName: {{ .imageName | quote }}
    externalNetwork: {{ .externalNetwork | quote }}
provider:
  controllerUrl: {{ .controllerUrl | quote }}
  oAuth2Url: {{ .oAuth2Url | quote }}
  appId: {{ .appId | quote }}
  appSecret: {{ .appSecret | quote }}
  insecure: {{ .insecure }}
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-dynamix'),
  resources: [
    cloudNodes(
      'DynamixInstanceClass',
      `  numCPUs: {{ .workerCPUs }}
  memory: {{ .workerMemory }}
  rootDiskSizeGb: {{ .rootDiskSizeGb }}
  imageName: {{ .imageName | quote }}
  externalNetwork: {{ .externalNetwork | quote }}`,
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    controllerUrl: 'https://dynamix.example.com',
    oAuth2Url: 'https://sso.dynamix.example.com',
    appId: 'deckhouse-app',
    appSecret: 'example-app-secret',
    location: 'dynamix',
    account: 'acc_user',
    storagePolicy: 'storage_policy01',
    externalNetwork: 'extnet_vlan_1700',
    imageName: 'alt-p10-cloud-x86_64.img',
  },
  requiredPlacementField: 'provider.appSecret',
};
