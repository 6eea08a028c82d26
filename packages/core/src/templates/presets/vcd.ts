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

/** DKP in VMware Cloud Director (VCDClusterConfiguration, cloud-provider-vcd). */
export const VCD: PresetTemplate = {
  name: 'VMware Cloud Director cluster',
  comment:
    'DKP in VMware Cloud Director: masters in a vApp of the virtual data center; workers scale through VCDInstanceClass.',
  params: [
    ...cloudClusterParams('VCD'),
    ...COMMON_PARAMS,
    header('Cloud Director', 'Cloud Director'),
    field(
      { key: 'server', type: 'string', format: 'url', immutable: true, span: 2 },
      { en: 'Cloud Director URL', ru: 'URL Cloud Director' },
      { en: 'E.g. https://vcd.example.com.', ru: 'Например, https://vcd.example.com.' },
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
      { key: 'organization', type: 'string', immutable: true, span: 1 },
      { en: 'Organization', ru: 'Организация' },
    ),
    field(
      { key: 'virtualDataCenter', type: 'string', immutable: true, span: 2 },
      { en: 'Virtual data center', ru: 'Виртуальный дата-центр' },
    ),
    field(
      {
        key: 'virtualApplicationName',
        type: 'string',
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        immutable: true,
        span: 2,
      },
      { en: 'vApp name', ru: 'Имя vApp' },
    ),
    field({ key: 'mainNetwork', type: 'string', span: 1 }, { en: 'Network', ru: 'Сеть' }),
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
      { en: 'Network CIDR', ru: 'CIDR сети' },
    ),
    header('Virtual machines', 'Виртуальные машины'),
    field(
      { key: 'template', type: 'string', span: 2 },
      { en: 'vApp template', ru: 'Шаблон vApp' },
      {
        en: 'Catalog/template, e.g. Linux/ubuntu2204-cloud-ova.',
        ru: 'Каталог/шаблон, например Linux/ubuntu2204-cloud-ova.',
      },
    ),
    field(
      { key: 'storageProfile', type: 'string', span: 1 },
      { en: 'Storage profile', ru: 'Профиль хранения' },
    ),
    field(
      { key: 'masterSizingPolicy', type: 'string', span: 1 },
      { en: 'Master sizing policy', ru: 'Sizing policy master-узлов' },
    ),
    masterReplicasParam(),
    field(
      {
        key: 'masterRootDiskSizeGb',
        type: 'number',
        default: 50,
        min: 30,
        max: 2000,
        optional: true,
        span: 1,
      },
      { en: 'Master root disk, GB', ru: 'Корневой диск master-узла, ГБ' },
    ),
    header('Workers', 'Рабочие узлы'),
    field(
      { key: 'workerSizingPolicy', type: 'string', span: 2 },
      { en: 'Worker sizing policy', ru: 'Sizing policy рабочих узлов' },
    ),
    ...workerScaleParams(),
  ],
  kubernetes_template: KUBERNETES,
  placement_template: `apiVersion: deckhouse.io/v1
kind: VCDClusterConfiguration
layout: Standard
sshPublicKey: {{ .dc_sshPublicKey | quote }}
organization: {{ .organization | quote }}
virtualDataCenter: {{ .virtualDataCenter | quote }}
virtualApplicationName: {{ .virtualApplicationName | quote }}
mainNetwork: {{ .mainNetwork | quote }}
internalNetworkCIDR: {{ .internalNetworkCIDR }}
masterNodeGroup:
  replicas: {{ .masterReplicas }}
  instanceClass:
    template: {{ .template | quote }}
    sizingPolicy: {{ .masterSizingPolicy | quote }}
    storageProfile: {{ .storageProfile | quote }}
    rootDiskSizeGb: {{ .masterRootDiskSizeGb }}
    etcdDiskSizeGb: 10
provider:
  server: {{ .server | quote }}
  username: {{ .username | quote }}
  password: {{ .password | quote }}
  insecure: {{ .insecure }}
`,
  ssh_template: cloudSsh('ubuntu'),
  installation_template: INSTALLATION,
  primary_resources_template: primaryResources('cloud-provider-vcd'),
  resources: [
    cloudNodes(
      'VCDInstanceClass',
      `  rootDiskSizeGb: 50
  sizingPolicy: {{ .workerSizingPolicy | quote }}
  storageProfile: {{ .storageProfile | quote }}
  template: {{ .template | quote }}`,
    ),
    ...COMMON_RESOURCES,
  ],
  example: {
    prefix: 'demo',
    server: 'https://vcd.example.com',
    username: 'deckhouse',
    password: 'example-password',
    organization: 'My_Org',
    virtualDataCenter: 'My_VDC',
    virtualApplicationName: 'demo-cluster',
    mainNetwork: 'internal',
    template: 'Linux/ubuntu2204-cloud-ova',
    storageProfile: 'ssd',
    masterSizingPolicy: '4cpu8ram',
    workerSizingPolicy: '4cpu8ram',
  },
  requiredPlacementField: 'virtualDataCenter',
};
