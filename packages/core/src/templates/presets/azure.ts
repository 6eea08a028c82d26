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
  UUID_PATTERN,
  workerScaleParams,
} from './common.js';

const LOCATIONS = [
  'westeurope',
  'northeurope',
  'germanywestcentral',
  'swedencentral',
  'uksouth',
  'francecentral',
  'eastus',
  'eastus2',
  'westus2',
  'centralus',
  'southeastasia',
];

const MACHINE_SIZES = [
  'Standard_D4ds_v4',
  'Standard_D8ds_v4',
  'Standard_D4s_v5',
  'Standard_D8s_v5',
  'Standard_E4s_v5',
  'Standard_F4s_v2',
  'Standard_F8s_v2',
];

/** DKP in Microsoft Azure (AzureClusterConfiguration, cloud-provider-azure). */
export const AZURE: PresetTemplate = {
  name: 'Azure cluster',
  comment:
    'DKP in Microsoft Azure: dhctl creates the virtual network and the masters; workers scale through AzureInstanceClass.',
  params: [
    ...cloudClusterParams('Azure'),
    ...COMMON_PARAMS,
    header('Azure access', 'Доступ к Azure'),
    field(
      { key: 'subscriptionId', type: 'string', pattern: UUID_PATTERN, immutable: true, span: 2 },
      { en: 'Subscription ID', ru: 'ID подписки' },
    ),
    field(
      { key: 'tenantId', type: 'string', pattern: UUID_PATTERN, immutable: true, span: 2 },
      { en: 'Tenant ID', ru: 'ID тенанта' },
    ),
    field(
      { key: 'clientId', type: 'string', span: 2 },
      { en: 'Client (application) ID', ru: 'ID клиента (приложения)' },
    ),
    field(
      { key: 'clientSecret', type: 'string', format: 'password', span: 2 },
      { en: 'Client secret', ru: 'Секрет клиента' },
      {
        en: 'Mind its expiry date: by default it is valid for one year.',
        ru: 'Учитывайте срок действия: по умолчанию секрет действует год.',
      },
    ),
    field(
      {
        key: 'location',
        type: 'string',
        enum: LOCATIONS,
        default: 'westeurope',
        optional: true,
        immutable: true,
        span: 2,
      },
      { en: 'Location', ru: 'Расположение (location)' },
    ),
    field(
      {
        key: 'vNetCIDR',
        type: 'string',
        default: '10.241.0.0/16',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 1,
      },
      { en: 'Virtual network', ru: 'Виртуальная сеть' },
    ),
    field(
      {
        key: 'subnetCIDR',
        type: 'string',
        default: '10.241.0.0/24',
        optional: true,
        immutable: true,
        pattern: IPV4_CIDR_PATTERN,
        span: 1,
      },
      { en: 'Node subnet', ru: 'Подсеть узлов' },
    ),
    header('Masters', 'Master-узлы'),
    masterReplicasParam(),
    field(
      {
        key: 'masterMachineSize',
        type: 'string',
        enum: MACHINE_SIZES,
        default: 'Standard_D4ds_v4',
        optional: true,
        span: 2,
      },
      { en: 'Machine size', ru: 'Размер машины' },
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
        key: 'urn',
        type: 'string',
        default: 'Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest',
        optional: true,
        span: 4,
      },
      { en: 'Image URN', ru: 'URN образа' },
      {
        en: 'publisher:offer:sku:version (az vm image list).',
        ru: 'publisher:offer:sku:version (az vm image list).',
      },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      {
        key: 'workerMachineSize',
        type: 'string',
        enum: MACHINE_SIZES,
        default: 'Standard_D4ds_v4',
        optional: true,
        span: 2,
      },
      { en: 'Machine size', ru: 'Размер машины' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: AzureClusterConfiguration
layout: Standard
sshPublicKey: {{ .dc_sshPublicKey | quote }}
vNetCIDR: {{ .vNetCIDR }}
subnetCIDR: {{ .subnetCIDR }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    machineSize: {{ .masterMachineSize }}
    urn: {{ .urn | quote }}
    diskSizeGb: {{ .masterDiskSizeGb }}
    enableExternalIP: true
provider:
  subscriptionId: {{ .subscriptionId | quote }}
  clientId: {{ .clientId | quote }}
  clientSecret: {{ .clientSecret | quote }}
  tenantId: {{ .tenantId | quote }}
  location: {{ .location | quote }}
tags:
  managed-by: deckhouse-commander
`,
  ssh_template: cloudSsh('azureuser'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-azure'),
  resources: [
    cloudNodes(
      'AzureInstanceClass',
      `  machineSize: {{ .workerMachineSize }}
  urn: {{ .urn | quote }}
  diskSizeGb: 50`,
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    subscriptionId: '11111111-2222-4333-8444-555555555555',
    tenantId: '66666666-7777-4888-9999-000000000000',
    clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    clientSecret: 'example-client-secret',
  },
  requiredPlacementField: 'vNetCIDR',
};
