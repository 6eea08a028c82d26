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

/** Zones of Yandex Cloud's only region, ru-central1. */
const ZONES = ['ru-central1-a', 'ru-central1-b', 'ru-central1-d'];

/** DKP in Yandex Cloud (YandexClusterConfiguration, cloud-provider-yandex). */
export const YANDEX: PresetTemplate = {
  name: 'Yandex Cloud cluster',
  comment: 'DKP in Yandex Cloud: Commander creates the network and the masters with dhctl.',
  params: [
    ...cloudClusterParams('Yandex'),
    ...COMMON_PARAMS,
    header('Yandex Cloud', 'Yandex Cloud'),
    field(
      { key: 'cloudID', type: 'string', immutable: true, span: 2 },
      { en: 'Cloud ID', ru: 'ID облака' },
    ),
    field(
      { key: 'folderID', type: 'string', immutable: true, span: 2 },
      { en: 'Folder ID', ru: 'ID каталога' },
    ),
    field(
      { key: 'serviceAccountJSON', type: 'string', format: 'password', span: 4 },
      { en: 'Service account key (JSON)', ru: 'Ключ сервисного аккаунта (JSON)' },
      {
        en: 'The authorized key of a service account with the editor role in the folder.',
        ru: 'Авторизованный ключ сервисного аккаунта с ролью editor в каталоге.',
      },
    ),
    field(
      {
        key: 'nodeNetworkCIDR',
        type: 'string',
        default: '10.241.32.0/20',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 2,
      },
      { en: 'Node network', ru: 'Сеть узлов' },
    ),
    field(
      {
        key: 'layout',
        type: 'string',
        enum: ['Standard', 'WithoutNAT'],
        default: 'Standard',
        optional: true,
        span: 2,
      },
      { en: 'Layout', ru: 'Схема размещения' },
      {
        en: 'Standard: nodes reach the Internet through a NAT gateway; WithoutNAT: every node gets a public address.',
        ru: 'Standard — узлы выходят в интернет через NAT-шлюз; WithoutNAT — у каждого узла публичный адрес.',
      },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      {
        key: 'masterCores',
        type: 'number',
        default: 4,
        min: 2,
        max: 64,
        optional: true,
        span: 1,
      },
      { en: 'CPU cores', ru: 'Ядра CPU' },
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
        key: 'imageID',
        type: 'string',
        default: 'fd80bm0rh4rkepi5ksdi',
        optional: true,
        span: 1,
      },
      { en: 'Image ID', ru: 'ID образа' },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      { key: 'workerCores', type: 'number', default: 4, min: 2, max: 64, optional: true, span: 1 },
      { en: 'CPU cores', ru: 'Ядра CPU' },
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
    field(
      {
        key: 'workerZone',
        type: 'string',
        enum: ZONES,
        default: 'ru-central1-a',
        optional: true,
        span: 2,
      },
      { en: 'Zone of the workers', ru: 'Зона рабочих узлов' },
    ),
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
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-yandex'),
  resources: [
    cloudNodes(
      'YandexInstanceClass',
      `  cores: {{ .workerCores }}
  memory: {{ .workerMemory }}
  imageID: {{ .imageID | quote }}
  diskSizeGB: 50`,
      '{{ .workerZone }}',
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    cloudID: 'b1gabc',
    folderID: 'b1gdef',
    serviceAccountJSON:
      '{"id":"aje1","service_account_id":"aje2","private_key":"-----BEGIN PRIVATE KEY-----\\nxyz\\n-----END PRIVATE KEY-----\\n"}',
  },
  requiredPlacementField: 'provider.folderID',
};
