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

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
];

const INSTANCE_TYPES = [
  't3.large',
  't3.xlarge',
  'm5.large',
  'm5.xlarge',
  'm5.2xlarge',
  'm6i.xlarge',
  'm6i.2xlarge',
  'c5.xlarge',
  'c5.2xlarge',
  'r5.xlarge',
];

const DISK_TYPES = ['gp3', 'gp2', 'io2', 'io1', 'st1', 'sc1'];

/** DKP in Amazon Web Services (AWSClusterConfiguration, cloud-provider-aws). */
export const AWS: PresetTemplate = {
  name: 'AWS cluster',
  comment:
    'DKP in Amazon Web Services: dhctl creates the VPC and the masters; workers scale through AWSInstanceClass.',
  params: [
    ...cloudClusterParams('AWS'),
    ...COMMON_PARAMS,
    header('AWS access', 'Доступ к AWS'),
    field(
      { key: 'providerAccessKeyId', type: 'string', span: 2 },
      { en: 'Access key ID', ru: 'ID ключа доступа' },
      {
        en: 'An IAM user access key with the permissions listed in the cloud-provider-aws docs.',
        ru: 'Ключ доступа IAM-пользователя с правами из документации cloud-provider-aws.',
      },
    ),
    field(
      { key: 'providerSecretAccessKey', type: 'string', format: 'password', span: 2 },
      { en: 'Secret access key', ru: 'Секретный ключ доступа' },
    ),
    field(
      {
        key: 'region',
        type: 'string',
        enum: REGIONS,
        default: 'eu-central-1',
        optional: true,
        immutable: true,
        span: 2,
      },
      { en: 'Region', ru: 'Регион' },
    ),
    field(
      {
        key: 'layout',
        type: 'string',
        enum: ['WithoutNAT', 'WithNAT'],
        default: 'WithoutNAT',
        optional: true,
        immutable: true,
        span: 2,
      },
      { en: 'Layout', ru: 'Схема размещения' },
      {
        en: 'WithoutNAT: every node gets a public address; WithNAT: nodes go out through a NAT gateway.',
        ru: 'WithoutNAT — у каждого узла публичный адрес; WithNAT — узлы выходят в интернет через NAT-шлюз.',
      },
    ),
    field(
      {
        key: 'vpcNetworkCIDR',
        type: 'string',
        default: '10.241.0.0/16',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 2,
      },
      { en: 'VPC network', ru: 'Сеть VPC' },
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
      { en: 'Node network (inside the VPC)', ru: 'Сеть узлов (внутри VPC)' },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      {
        key: 'masterInstanceType',
        type: 'string',
        enum: INSTANCE_TYPES,
        default: 'm5.xlarge',
        optional: true,
        span: 1,
      },
      { en: 'Instance type', ru: 'Тип инстанса' },
    ),
    field(
      {
        key: 'diskType',
        type: 'string',
        enum: DISK_TYPES,
        default: 'gp3',
        optional: true,
        span: 1,
      },
      { en: 'Disk type', ru: 'Тип диска' },
    ),
    field(
      {
        key: 'masterDiskSizeGb',
        type: 'number',
        default: 50,
        min: 30,
        max: 2000,
        optional: true,
        span: 1,
      },
      { en: 'Disk, GiB', ru: 'Диск, ГиБ' },
    ),
    field(
      { key: 'ami', type: 'string', pattern: '^ami-[0-9a-f]+$', span: 4 },
      { en: 'AMI ID', ru: 'ID образа AMI' },
      {
        en: 'An Ubuntu or other supported image of the chosen region (each region has its own AMI IDs).',
        ru: 'Образ Ubuntu или другой поддерживаемой ОС в выбранном регионе (у каждого региона свои ID AMI).',
      },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      {
        key: 'workerInstanceType',
        type: 'string',
        enum: INSTANCE_TYPES,
        default: 'm5.large',
        optional: true,
        span: 2,
      },
      { en: 'Instance type', ru: 'Тип инстанса' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: AWSClusterConfiguration
layout: {{ .layout }}
{{- if eq .layout "WithNAT" }}
withNAT:
  # dhctl reaches the masters through this bastion.
  bastionInstance:
    instanceClass:
      instanceType: t3.large
      ami: {{ .ami | quote }}
      diskType: {{ .diskType }}
{{- end }}
sshPublicKey: {{ .dc_sshPublicKey | quote }}
vpcNetworkCIDR: {{ .vpcNetworkCIDR }}
nodeNetworkCIDR: {{ .nodeNetworkCIDR }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    instanceType: {{ .masterInstanceType }}
    ami: {{ .ami | quote }}
    diskType: {{ .diskType }}
    diskSizeGb: {{ .masterDiskSizeGb }}
provider:
  providerAccessKeyId: {{ .providerAccessKeyId | quote }}
  providerSecretAccessKey: {{ .providerSecretAccessKey | quote }}
  region: {{ .region }}
tags:
  managed-by: deckhouse-commander
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-aws'),
  resources: [
    cloudNodes(
      'AWSInstanceClass',
      `  instanceType: {{ .workerInstanceType }}
  ami: {{ .ami | quote }}
  diskType: {{ .diskType }}
  diskSizeGb: 50`,
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    providerAccessKeyId: 'AKIAEXAMPLEKEY',
    providerSecretAccessKey: 'example-secret-access-key',
    ami: 'ami-08b6d44b4f6f7b279',
  },
  requiredPlacementField: 'provider.region',
};
