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
  'europe-west1',
  'europe-west3',
  'europe-west4',
  'europe-north1',
  'us-central1',
  'us-east1',
  'us-west1',
  'asia-east1',
  'asia-northeast1',
  'asia-southeast1',
];

const MACHINE_TYPES = [
  'e2-standard-4',
  'e2-standard-8',
  'n1-standard-4',
  'n1-standard-8',
  'n2-standard-4',
  'n2-standard-8',
  'n2d-standard-4',
  'c2-standard-8',
];

/** DKP in Google Cloud (GCPClusterConfiguration, cloud-provider-gcp). */
export const GCP: PresetTemplate = {
  name: 'Google Cloud cluster',
  comment:
    'DKP in Google Cloud Platform: dhctl creates the VPC and the masters; workers scale through GCPInstanceClass.',
  params: [
    ...cloudClusterParams('GCP'),
    ...COMMON_PARAMS,
    header('Google Cloud', 'Google Cloud'),
    field(
      { key: 'serviceAccountJSON', type: 'string', format: 'password', span: 4 },
      { en: 'Service account key (JSON)', ru: 'Ключ сервисного аккаунта (JSON)' },
      {
        en: 'The key of a service account with the Project Admin role.',
        ru: 'Ключ сервисного аккаунта с ролью Project Admin.',
      },
    ),
    field(
      {
        key: 'region',
        type: 'string',
        enum: REGIONS,
        default: 'europe-west3',
        optional: true,
        immutable: true,
        span: 1,
      },
      { en: 'Region', ru: 'Регион' },
    ),
    field(
      {
        key: 'zoneSuffix',
        type: 'string',
        enum: ['a', 'b', 'c'],
        default: 'b',
        optional: true,
        span: 1,
      },
      { en: 'Zone (letter)', ru: 'Зона (буква)' },
      {
        en: 'The zone is <region>-<letter>, e.g. europe-west3-b.',
        ru: 'Зона — <регион>-<буква>, например europe-west3-b.',
      },
    ),
    field(
      {
        key: 'layout',
        type: 'string',
        enum: ['Standard', 'WithoutNAT'],
        default: 'Standard',
        optional: true,
        immutable: true,
        span: 1,
      },
      { en: 'Layout', ru: 'Схема размещения' },
      {
        en: 'Standard: nodes go out through Cloud NAT; WithoutNAT: every node gets a public address.',
        ru: 'Standard — узлы выходят в интернет через Cloud NAT; WithoutNAT — у каждого узла публичный адрес.',
      },
    ),
    field(
      {
        key: 'subnetworkCIDR',
        type: 'string',
        default: '10.36.0.0/24',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 1,
      },
      { en: 'Node subnetwork', ru: 'Подсеть узлов' },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      {
        key: 'masterMachineType',
        type: 'string',
        enum: MACHINE_TYPES,
        default: 'n2-standard-4',
        optional: true,
        span: 1,
      },
      { en: 'Machine type', ru: 'Тип машины' },
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
      {
        key: 'image',
        type: 'string',
        default: 'projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20260128',
        optional: true,
        span: 4,
      },
      { en: 'Image', ru: 'Образ' },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      {
        key: 'workerMachineType',
        type: 'string',
        enum: MACHINE_TYPES,
        default: 'n2-standard-4',
        optional: true,
        span: 2,
      },
      { en: 'Machine type', ru: 'Тип машины' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: GCPClusterConfiguration
layout: {{ .layout }}
sshKey: {{ .dc_sshPublicKey | quote }}
subnetworkCIDR: {{ .subnetworkCIDR }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  zones:
    - {{ .region }}-{{ .zoneSuffix }}
  instanceClass:
    machineType: {{ .masterMachineType }}
    image: {{ .image | quote }}
    diskSizeGb: {{ .masterDiskSizeGb }}
    # dhctl reaches the masters over SSH at their public address.
    disableExternalIP: false
provider:
  region: {{ .region }}
  serviceAccountJSON: {{ .serviceAccountJSON | toJson }}
labels:
  managed-by: deckhouse-commander
`,
  ssh_template: cloudSsh('user'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-gcp'),
  resources: [
    cloudNodes(
      'GCPInstanceClass',
      `  machineType: {{ .workerMachineType }}
  image: {{ .image | quote }}
  diskSizeGb: 50`,
      '{{ .region }}-{{ .zoneSuffix }}',
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    serviceAccountJSON:
      '{"type":"service_account","project_id":"demo","private_key_id":"k1","private_key":"-----BEGIN PRIVATE KEY-----\\nxyz\\n-----END PRIVATE KEY-----\\n","client_email":"dkp@demo.iam.gserviceaccount.com"}',
  },
  requiredPlacementField: 'sshKey',
};
