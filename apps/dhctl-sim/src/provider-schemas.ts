// Reasonable versions of the DKP schemas the simulated `dhctl.Validation` checks beyond the core
// kinds: every bundled `<Provider>ClusterConfiguration` (the candi `cluster_configuration.yaml`
// of each cloud-provider module), the providers' InstanceClass CRDs and NodeGroup. Each schema
// lists the fields the upstream spec requires with their types, the layouts, and, where the
// upstream spec has `additionalProperties: false` and the whole field list is known here, the
// allowed top-level fields. Sources: deckhouse/deckhouse `modules/030-cloud-provider-*` and
// `ee/modules/030-cloud-provider-*` (candi/openapi and crds), read in December 2026.

import { getPath, type KubeDocument } from './documents.js';

/** A value type of the OpenAPI specs. `map` is an object of strings (e.g. volumeTypeMap). */
type FieldType = 'string' | 'integer' | 'boolean' | 'object' | 'array' | 'map';

/**
 * Required fields as dotted paths with their types, in checking order. A nested path is checked
 * only when its parent object is present: a missing parent is reported once, by its own entry.
 */
type Required = Record<string, FieldType>;

/** Schema of one `<Provider>ClusterConfiguration`. */
type ProviderSchema = {
  kind: string;
  apiVersions: readonly string[];
  required: Required;
  /** Values of `layout`; absent when any string is accepted. */
  layouts?: readonly string[];
  /** Per layout: further required fields (the spec's `oneOf` branches). */
  layoutRequired?: Record<string, Required>;
  /** Fields that must have the given type when present. */
  optional?: Required;
  /** The full list of top-level fields when the spec is closed and known. */
  fields?: readonly string[];
  /** Rules that do not fit the above. */
  extra?: (doc: KubeDocument) => string[];
};

const V1 = ['deckhouse.io/v1'] as const;
const V1_OR_ALPHA = ['deckhouse.io/v1', 'deckhouse.io/v1alpha1'] as const;

const NODE_GROUP_ITEM = 'nodeGroups[]';

const SCHEMAS: Record<string, ProviderSchema> = {
  Yandex: {
    kind: 'YandexClusterConfiguration',
    apiVersions: V1_OR_ALPHA,
    required: {
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.cores': 'integer',
      'masterNodeGroup.instanceClass.memory': 'integer',
      'masterNodeGroup.instanceClass.imageID': 'string',
      nodeNetworkCIDR: 'string',
      sshPublicKey: 'string',
      layout: 'string',
      provider: 'object',
      'provider.cloudID': 'string',
      'provider.folderID': 'string',
      'provider.serviceAccountJSON': 'string',
    },
    layouts: ['Standard', 'WithoutNAT', 'WithNATInstance'],
    layoutRequired: { WithNATInstance: { withNATInstance: 'object' } },
  },
  OpenStack: {
    kind: 'OpenStackClusterConfiguration',
    apiVersions: V1_OR_ALPHA,
    required: {
      layout: 'string',
      provider: 'object',
      'provider.authURL': 'string',
      'provider.domainName': 'string',
      'provider.username': 'string',
      'provider.password': 'string',
      'provider.region': 'string',
      sshPublicKey: 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.flavorName': 'string',
      'masterNodeGroup.instanceClass.imageName': 'string',
      'masterNodeGroup.volumeTypeMap': 'map',
    },
    optional: { 'masterNodeGroup.instanceClass.rootDiskSize': 'integer', zones: 'array' },
    layouts: ['Standard', 'StandardWithNoRouter', 'Simple', 'SimpleWithInternalNetwork'],
    layoutRequired: {
      Standard: {
        standard: 'object',
        'standard.internalNetworkCIDR': 'string',
        'standard.internalNetworkDNSServers': 'array',
        'standard.externalNetworkName': 'string',
      },
      StandardWithNoRouter: {
        standardWithNoRouter: 'object',
        'standardWithNoRouter.internalNetworkCIDR': 'string',
        'standardWithNoRouter.externalNetworkName': 'string',
      },
      Simple: { simple: 'object', 'simple.externalNetworkName': 'string' },
      SimpleWithInternalNetwork: {
        simpleWithInternalNetwork: 'object',
        'simpleWithInternalNetwork.internalSubnetName': 'string',
      },
    },
    fields: [
      'apiVersion',
      'kind',
      'sshPublicKey',
      'sshAllowList',
      'tags',
      'zones',
      'masterNodeGroup',
      'nodeGroups',
      'layout',
      'standard',
      'standardWithNoRouter',
      'simple',
      'simpleWithInternalNetwork',
      'provider',
    ],
    // provider: oneOf tenantName / tenantID.
    extra: (doc) => {
      const provider = doc.provider;
      if (typeof provider !== 'object' || provider === null) {
        return [];
      }
      const { tenantName, tenantID } = provider as Record<string, unknown>;
      if ((tenantName === undefined) === (tenantID === undefined)) {
        return ['.provider: exactly one of tenantName and tenantID is required'];
      }
      return [];
    },
  },
  vSphere: {
    kind: 'VsphereClusterConfiguration',
    apiVersions: V1_OR_ALPHA,
    required: {
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.numCPUs': 'integer',
      'masterNodeGroup.instanceClass.memory': 'integer',
      'masterNodeGroup.instanceClass.template': 'string',
      'masterNodeGroup.instanceClass.mainNetwork': 'string',
      'masterNodeGroup.instanceClass.datastore': 'string',
      regionTagCategory: 'string',
      zoneTagCategory: 'string',
      sshPublicKey: 'string',
      vmFolderPath: 'string',
      region: 'string',
      layout: 'string',
      provider: 'object',
      'provider.server': 'string',
      'provider.username': 'string',
      'provider.password': 'string',
    },
    optional: { zones: 'array', 'provider.insecure': 'boolean', internalNetworkCIDR: 'string' },
    layouts: ['Standard'],
  },
  AWS: {
    kind: 'AWSClusterConfiguration',
    apiVersions: V1_OR_ALPHA,
    required: {
      layout: 'string',
      provider: 'object',
      'provider.providerAccessKeyId': 'string',
      'provider.providerSecretAccessKey': 'string',
      'provider.region': 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.instanceType': 'string',
      'masterNodeGroup.instanceClass.ami': 'string',
      sshPublicKey: 'string',
    },
    optional: {
      'masterNodeGroup.instanceClass.diskSizeGb': 'integer',
      vpcNetworkCIDR: 'string',
      nodeNetworkCIDR: 'string',
      tags: 'map',
    },
    layouts: ['WithoutNAT', 'WithNAT', 'Standard'],
    fields: [
      'apiVersion',
      'kind',
      'peeredVPCs',
      'masterNodeGroup',
      'nodeGroups',
      'layout',
      'standard',
      'withoutNAT',
      'withNAT',
      'vpcNetworkCIDR',
      'nodeNetworkCIDR',
      'existingVPCID',
      'sshPublicKey',
      'disableDefaultSecurityGroup',
      'sshAllowList',
      'publicNetworkAllowList',
      'tags',
      'provider',
      'zones',
      'additionalRolePolicies',
      'iamNodeRole',
    ],
    extra: (doc) => {
      const messages: string[] = [];
      if ((doc.vpcNetworkCIDR === undefined) === (doc.existingVPCID === undefined)) {
        messages.push('exactly one of .vpcNetworkCIDR and .existingVPCID is required');
      }
      const diskType = getPath(doc, 'masterNodeGroup.instanceClass.diskType');
      const types = ['gp3', 'gp2', 'io2', 'io1', 'st1', 'sc1'];
      if (diskType !== undefined && !types.includes(diskType as string)) {
        messages.push(
          `.masterNodeGroup.instanceClass.diskType must be one of [${types.join(', ')}]`,
        );
      }
      return messages;
    },
  },
  GCP: {
    kind: 'GCPClusterConfiguration',
    apiVersions: V1_OR_ALPHA,
    required: {
      layout: 'string',
      provider: 'object',
      'provider.region': 'string',
      'provider.serviceAccountJSON': 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.machineType': 'string',
      'masterNodeGroup.instanceClass.image': 'string',
      sshKey: 'string',
    },
    optional: {
      'masterNodeGroup.instanceClass.diskSizeGb': 'integer',
      'masterNodeGroup.zones': 'array',
      subnetworkCIDR: 'string',
      labels: 'map',
    },
    layouts: ['Standard', 'WithoutNAT'],
    fields: [
      'apiVersion',
      'kind',
      'subnetworkCIDR',
      'sshKey',
      'sshAllowList',
      'labels',
      'peeredVPCs',
      'masterNodeGroup',
      'nodeGroups',
      'layout',
      'standard',
      'withoutNAT',
      'provider',
      'zones',
    ],
    extra: (doc) =>
      doc.layout === 'WithoutNAT' &&
      getPath(doc, 'masterNodeGroup.instanceClass.disableExternalIP') === true
        ? ['.masterNodeGroup.instanceClass.disableExternalIP must be false for layout WithoutNAT']
        : [],
  },
  Azure: {
    kind: 'AzureClusterConfiguration',
    apiVersions: V1_OR_ALPHA,
    required: {
      layout: 'string',
      provider: 'object',
      'provider.subscriptionId': 'string',
      'provider.clientId': 'string',
      'provider.clientSecret': 'string',
      'provider.tenantId': 'string',
      'provider.location': 'string',
      vNetCIDR: 'string',
      subnetCIDR: 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.machineSize': 'string',
      'masterNodeGroup.instanceClass.urn': 'string',
      sshPublicKey: 'string',
    },
    optional: {
      'masterNodeGroup.instanceClass.diskSizeGb': 'integer',
      'masterNodeGroup.instanceClass.enableExternalIP': 'boolean',
      tags: 'map',
    },
    layouts: ['Standard'],
    fields: [
      'apiVersion',
      'kind',
      'layout',
      'standard',
      'sshPublicKey',
      'sshAllowList',
      'vNetCIDR',
      'nameservers',
      'subnetCIDR',
      'peeredVNets',
      'serviceEndpoints',
      'masterNodeGroup',
      'nodeGroups',
      'tags',
      'provider',
      'zones',
    ],
  },
  VCD: {
    kind: 'VCDClusterConfiguration',
    apiVersions: V1,
    required: {
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.template': 'string',
      'masterNodeGroup.instanceClass.storageProfile': 'string',
      'masterNodeGroup.instanceClass.sizingPolicy': 'string',
      sshPublicKey: 'string',
      layout: 'string',
      provider: 'object',
      'provider.server': 'string',
      organization: 'string',
      virtualDataCenter: 'string',
      virtualApplicationName: 'string',
      mainNetwork: 'string',
    },
    optional: {
      'masterNodeGroup.instanceClass.rootDiskSizeGb': 'integer',
      'masterNodeGroup.instanceClass.etcdDiskSizeGb': 'integer',
      'provider.insecure': 'boolean',
      internalNetworkCIDR: 'string',
    },
    layouts: ['Standard', 'WithNAT'],
    layoutRequired: {
      WithNAT: {
        internalNetworkDNSServers: 'array',
        internalNetworkCIDR: 'string',
        edgeGateway: 'object',
        bastion: 'object',
      },
    },
    extra: (doc) => {
      const messages: string[] = [];
      const name = doc.virtualApplicationName;
      if (typeof name === 'string' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
        messages.push('.virtualApplicationName must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$');
      }
      if (doc.layout === 'Standard') {
        for (const field of ['internalNetworkDNSServers', 'edgeGateway']) {
          if (doc[field] !== undefined) {
            messages.push(`.${field} is not allowed with layout Standard`);
          }
        }
      }
      // provider: oneOf apiToken / username and password.
      const provider = doc.provider as Record<string, unknown> | undefined;
      if (typeof provider === 'object' && provider !== null) {
        const token = provider.apiToken !== undefined;
        const login = provider.username !== undefined || provider.password !== undefined;
        if (token === login) {
          messages.push('.provider: either apiToken or username and password is required');
        } else if (login && (provider.username === undefined || provider.password === undefined)) {
          messages.push(
            `.provider.${provider.username === undefined ? 'username' : 'password'} is required`,
          );
        }
      }
      return messages;
    },
  },
  Zvirt: {
    kind: 'ZvirtClusterConfiguration',
    apiVersions: V1,
    required: {
      layout: 'string',
      sshPublicKey: 'string',
      clusterID: 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.numCPUs': 'integer',
      'masterNodeGroup.instanceClass.memory': 'integer',
      'masterNodeGroup.instanceClass.template': 'string',
      'masterNodeGroup.instanceClass.vnicProfileID': 'string',
      provider: 'object',
      'provider.server': 'string',
      'provider.username': 'string',
      'provider.password': 'string',
    },
    optional: {
      'masterNodeGroup.instanceClass.rootDiskSizeGb': 'integer',
      'masterNodeGroup.instanceClass.storageDomainID': 'string',
      'provider.insecure': 'boolean',
    },
    layouts: ['Standard'],
  },
  Huaweicloud: {
    kind: 'HuaweiCloudClusterConfiguration',
    apiVersions: V1,
    required: {
      layout: 'string',
      provider: 'object',
      'provider.cloud': 'string',
      'provider.region': 'string',
      'provider.accessKey': 'string',
      'provider.secretKey': 'string',
      sshPublicKey: 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.flavorName': 'string',
      'masterNodeGroup.instanceClass.imageName': 'string',
      'masterNodeGroup.volumeTypeMap': 'map',
    },
    optional: { 'masterNodeGroup.instanceClass.rootDiskSize': 'integer', zones: 'array' },
    layouts: ['Standard', 'VpcPeering'],
    layoutRequired: {
      Standard: { standard: 'object', 'standard.internalNetworkCIDR': 'string' },
      VpcPeering: { vpcPeering: 'object', 'vpcPeering.internalNetworkCIDR': 'string' },
    },
    fields: [
      'apiVersion',
      'kind',
      'sshPublicKey',
      'zones',
      'masterNodeGroup',
      'nodeGroups',
      'layout',
      'standard',
      'vpcPeering',
      'provider',
    ],
  },
  Dynamix: {
    kind: 'DynamixClusterConfiguration',
    apiVersions: V1,
    required: {
      sshPublicKey: 'string',
      location: 'string',
      account: 'string',
      storagePolicy: 'string',
      masterNodeGroup: 'object',
      'masterNodeGroup.replicas': 'integer',
      'masterNodeGroup.instanceClass': 'object',
      'masterNodeGroup.instanceClass.numCPUs': 'integer',
      'masterNodeGroup.instanceClass.memory': 'integer',
      'masterNodeGroup.instanceClass.imageName': 'string',
      'masterNodeGroup.instanceClass.externalNetwork': 'string',
      layout: 'string',
      provider: 'object',
      'provider.controllerUrl': 'string',
      'provider.oAuth2Url': 'string',
      'provider.appId': 'string',
      'provider.appSecret': 'string',
    },
    optional: {
      'masterNodeGroup.instanceClass.rootDiskSizeGb': 'integer',
      'provider.insecure': 'boolean',
      nameservers: 'array',
    },
    layouts: ['StandardWithInternalNetwork', 'Standard'],
    layoutRequired: { StandardWithInternalNetwork: { nodeNetworkCIDR: 'string' } },
    fields: [
      'apiVersion',
      'kind',
      'sshPublicKey',
      'location',
      'account',
      'storagePolicy',
      'masterNodeGroup',
      'nodeGroups',
      'nodeNetworkCIDR',
      'nameservers',
      'layout',
      'provider',
    ],
  },
};

/** Whether `provider` has a provider schema here. */
export function hasProviderSchema(provider: string): boolean {
  return SCHEMAS[provider] !== undefined;
}

function typeProblem(value: unknown, type: FieldType): string | null {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? null : 'a string';
    case 'integer':
      return Number.isInteger(value) ? null : 'an integer';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'a boolean';
    case 'array':
      return Array.isArray(value) ? null : 'an array';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? null
        : 'an object';
    case 'map':
      return typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length > 0 &&
        Object.values(value).every((v) => typeof v === 'string' && v !== '')
        ? null
        : 'a non-empty map of strings';
  }
}

function parentPresent(doc: unknown, path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0) {
    return true;
  }
  const parent = getPath(doc, path.slice(0, dot));
  return typeof parent === 'object' && parent !== null;
}

/** Messages for the required and typed fields of `doc`, with paths prefixed by `prefix`. */
function fieldMessages(
  doc: unknown,
  required: Required,
  optional: Required,
  prefix = '',
): string[] {
  const messages: string[] = [];
  for (const [path, type] of Object.entries(required)) {
    if (!parentPresent(doc, path)) {
      continue;
    }
    const value = getPath(doc, path);
    if (value === undefined || value === null || value === '') {
      messages.push(`${prefix}.${path} is required`);
      continue;
    }
    const expected = typeProblem(value, type);
    if (expected) {
      messages.push(`${prefix}.${path} must be ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  for (const [path, type] of Object.entries(optional)) {
    const value = getPath(doc, path);
    if (value === undefined) {
      continue;
    }
    const expected = typeProblem(value, type);
    if (expected) {
      messages.push(`${prefix}.${path} must be ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  return messages;
}

/** Schema messages of a `<Provider>ClusterConfiguration` for a bundled provider. */
export function providerConfigurationMessages(provider: string, doc: KubeDocument): string[] {
  const schema = SCHEMAS[provider];
  if (!schema) {
    return [];
  }
  const messages: string[] = [];
  const apiVersion = doc.apiVersion;
  if (typeof apiVersion !== 'string' || !schema.apiVersions.includes(apiVersion)) {
    messages.push(`.apiVersion must be one of ${schema.apiVersions.join(', ')}`);
  }
  messages.push(...fieldMessages(doc, schema.required, schema.optional ?? {}));
  const replicas = getPath(doc, 'masterNodeGroup.replicas');
  if (Number.isInteger(replicas) && (replicas as number) < 1) {
    messages.push('.masterNodeGroup.replicas must be an integer >= 1');
  }
  const layout = doc.layout;
  if (typeof layout === 'string' && schema.layouts && !schema.layouts.includes(layout)) {
    messages.push(`.layout must be one of [${schema.layouts.join(', ')}]`);
  }
  const layoutRequired = typeof layout === 'string' ? schema.layoutRequired?.[layout] : undefined;
  if (layoutRequired) {
    messages.push(
      ...fieldMessages(doc, layoutRequired, {}).map((m) => `${m} for layout ${layout as string}`),
    );
  }
  if (Array.isArray(doc.nodeGroups)) {
    doc.nodeGroups.forEach((group: unknown, i) => {
      messages.push(
        ...fieldMessages(
          group,
          { name: 'string', replicas: 'integer', instanceClass: 'object' },
          {},
          `.${NODE_GROUP_ITEM.replace('[]', `[${i}]`)}`,
        ),
      );
    });
  } else if (doc.nodeGroups !== undefined) {
    messages.push('.nodeGroups must be an array');
  }
  if (schema.fields) {
    for (const key of Object.keys(doc)) {
      if (!schema.fields.includes(key)) {
        messages.push(`.${key}: unknown field (additionalProperties: false)`);
      }
    }
  }
  messages.push(...(schema.extra?.(doc) ?? []));
  return messages;
}

/** `spec` fields each provider's InstanceClass CRD requires. */
const INSTANCE_CLASS_REQUIRED: Record<string, Required> = {
  YandexInstanceClass: { cores: 'integer', memory: 'integer' },
  OpenStackInstanceClass: { flavorName: 'string' },
  VsphereInstanceClass: { numCPUs: 'integer', memory: 'integer' },
  AWSInstanceClass: { instanceType: 'string' },
  GCPInstanceClass: { machineType: 'string' },
  AzureInstanceClass: { machineSize: 'string' },
  VCDInstanceClass: { template: 'string' },
  ZvirtInstanceClass: {
    numCPUs: 'integer',
    memory: 'integer',
    template: 'string',
    vnicProfileID: 'string',
  },
  HuaweiCloudInstanceClass: { flavorName: 'string' },
  DynamixInstanceClass: { numCPUs: 'integer', memory: 'integer', imageName: 'string' },
};

/** Optional `spec` fields with a fixed type (integers are the usual YAML trap). */
const INSTANCE_CLASS_TYPED: Record<string, Required> = {
  OpenStackInstanceClass: { rootDiskSize: 'integer' },
  VsphereInstanceClass: { rootDiskSize: 'integer' },
  AWSInstanceClass: { diskSizeGb: 'integer' },
  GCPInstanceClass: { diskSizeGb: 'integer' },
  AzureInstanceClass: { diskSizeGb: 'integer' },
  VCDInstanceClass: { rootDiskSizeGb: 'integer' },
  ZvirtInstanceClass: { rootDiskSizeGb: 'integer' },
  HuaweiCloudInstanceClass: { rootDiskSize: 'integer' },
  DynamixInstanceClass: { rootDiskSizeGb: 'integer' },
};

/** Whether a resource is an InstanceClass this simulator knows (deckhouse.io group). */
export function isInstanceClass(doc: KubeDocument): boolean {
  return (
    typeof doc.kind === 'string' &&
    INSTANCE_CLASS_REQUIRED[doc.kind] !== undefined &&
    typeof doc.apiVersion === 'string' &&
    doc.apiVersion.startsWith('deckhouse.io/')
  );
}

/** CRD schema messages of a known InstanceClass. */
export function instanceClassMessages(doc: KubeDocument): string[] {
  const kind = doc.kind as string;
  if (typeof doc.spec !== 'object' || doc.spec === null) {
    return ['.spec is required'];
  }
  return fieldMessages(
    doc.spec,
    INSTANCE_CLASS_REQUIRED[kind] ?? {},
    INSTANCE_CLASS_TYPED[kind] ?? {},
    '.spec',
  );
}

const NODE_TYPES = ['CloudEphemeral', 'CloudPermanent', 'CloudStatic', 'Static'];

/** CRD schema messages of a NodeGroup (deckhouse.io/v1, node-manager). */
export function nodeGroupMessages(doc: KubeDocument): string[] {
  const messages: string[] = [];
  const nodeType = getPath(doc, 'spec.nodeType');
  if (nodeType === undefined) {
    return ['.spec.nodeType is required'];
  }
  if (!NODE_TYPES.includes(nodeType as string)) {
    return [
      `.spec.nodeType must be one of [${NODE_TYPES.join(', ')}], got ${JSON.stringify(nodeType)}`,
    ];
  }
  if (nodeType === 'CloudEphemeral') {
    messages.push(
      ...fieldMessages(
        doc,
        {
          'spec.cloudInstances': 'object',
          'spec.cloudInstances.classReference': 'object',
          'spec.cloudInstances.classReference.kind': 'string',
          'spec.cloudInstances.classReference.name': 'string',
          'spec.cloudInstances.minPerZone': 'integer',
          'spec.cloudInstances.maxPerZone': 'integer',
        },
        { 'spec.cloudInstances.zones': 'array' },
      ),
    );
    const kind = getPath(doc, 'spec.cloudInstances.classReference.kind');
    if (typeof kind === 'string' && !kind.endsWith('InstanceClass')) {
      messages.push(
        `.spec.cloudInstances.classReference.kind must be an InstanceClass kind, got "${kind}"`,
      );
    }
    const min = getPath(doc, 'spec.cloudInstances.minPerZone');
    const max = getPath(doc, 'spec.cloudInstances.maxPerZone');
    if (Number.isInteger(min) && Number.isInteger(max) && (min as number) > (max as number)) {
      messages.push('.spec.cloudInstances.minPerZone must not exceed maxPerZone');
    }
  } else if (getPath(doc, 'spec.cloudInstances') !== undefined) {
    messages.push(`.spec.cloudInstances is only allowed for nodeType CloudEphemeral`);
  }
  return messages;
}
