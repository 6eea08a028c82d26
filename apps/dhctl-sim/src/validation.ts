// The simulated `dhctl.Validation` service: reasonable versions of the dhctl validation rules
// (document counts, required fields, enums, unknown kinds and fields, x-unsafe changes).
// Failures are the JSON of dhctl's ValidationError in `err`, never a gRPC error.
import {
  type ConfigExtenderRequest,
  type ConfigExtenderResponse,
  type ParseConnectionConfigResponse,
  type ValidateChangesRequest,
  type ValidateClusterConfigResponse,
  type ValidateConfigRequest,
  type ValidateErrResponse,
  type ValidateProviderSpecificClusterConfigRequest,
  VALIDATION_ERROR_KIND,
  type ValidationErrorDetails,
} from '@commander/dhctl';
import type * as grpc from '@grpc/grpc-js';

import {
  DocumentParseError,
  documentsOfKind,
  getPath,
  kindOf,
  type KubeDocument,
  nameOf,
  parseDocuments,
  scalarText,
} from './documents.js';
import {
  hasProviderSchema,
  instanceClassMessages,
  isInstanceClass,
  nodeGroupMessages,
  providerConfigurationMessages,
} from './provider-schemas.js';

const { ChangesValidationFailed, ValidationFailed, InvalidYAML } = VALIDATION_ERROR_KIND;

/** A collected validation problem. */
type Problem = ValidationErrorDetails;

/** The `err` JSON for a list of problems ("" when there are none). */
export function validationErrorJson(kind: number, problems: readonly Problem[]): string {
  if (problems.length === 0) {
    return '';
  }
  // Upstream reports a top-level Kind above 3 as 2.
  return JSON.stringify({ Kind: kind > 3 ? ValidationFailed : kind, Errors: problems });
}

function problem(
  document: KubeDocument | null,
  index: number,
  messages: string[],
  reason: number = ValidationFailed,
): Problem {
  const apiVersion = typeof document?.apiVersion === 'string' ? document.apiVersion : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return {
    Reason: reason,
    Index: index,
    Group: group ?? '',
    Version: version ?? '',
    Kind: document ? kindOf(document) : '',
    Name: document ? nameOf(document) : '',
    Messages: messages,
  };
}

/** Parses the payload, or returns the InvalidYAML error JSON. */
function parseOrError(config: string): { documents: KubeDocument[] } | { err: string } {
  try {
    return { documents: parseDocuments(config) };
  } catch (error) {
    const index = error instanceof DocumentParseError ? error.index : 0;
    return {
      err: validationErrorJson(InvalidYAML, [
        problem(null, index, [(error as Error).message], InvalidYAML),
      ]),
    };
  }
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isCidr(value: unknown): boolean {
  const match = typeof value === 'string' ? CIDR.exec(value) : null;
  if (!match) {
    return false;
  }
  const octets = match.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(match[5]) <= 32;
}

function unknownFields(document: KubeDocument, allowed: readonly string[]): string[] {
  return Object.keys(document)
    .filter((key) => !allowed.includes(key))
    .map((key) => `.${key}: unknown field (additionalProperties: false)`);
}

const CLUSTER_TYPES = ['Cloud', 'Static'];
const CLOUD_PROVIDERS = [
  'OpenStack',
  'AWS',
  'GCP',
  'Yandex',
  'vSphere',
  'Azure',
  'VCD',
  'Zvirt',
  'Dynamix',
  'Huaweicloud',
  'DVP',
];
const KUBERNETES_VERSIONS = ['1.32', '1.33', '1.34', '1.35', '1.36', 'Automatic'];
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CLUSTER_CONFIGURATION_FIELDS = [
  'apiVersion',
  'kind',
  'clusterType',
  'cloud',
  'kubernetesVersion',
  'podSubnetCIDR',
  'podSubnetNodeCIDRPrefix',
  'serviceSubnetCIDR',
  'clusterDomain',
  'defaultCRI',
  'encryptionAlgorithm',
  'proxy',
];
const DECKHOUSE_API_VERSIONS = ['deckhouse.io/v1', 'deckhouse.io/v1alpha1'];

/** Schema checks of one ClusterConfiguration (upstream cluster_configuration.yaml, trimmed). */
export function clusterConfigurationMessages(document: KubeDocument): string[] {
  const messages: string[] = [];
  for (const field of [
    'apiVersion',
    'clusterType',
    'kubernetesVersion',
    'podSubnetCIDR',
    'serviceSubnetCIDR',
  ]) {
    if (document[field] === undefined || document[field] === '') {
      messages.push(`.${field} is required`);
    }
  }
  if (
    document.apiVersion !== undefined &&
    !DECKHOUSE_API_VERSIONS.includes(scalarText(document.apiVersion))
  ) {
    messages.push(`.apiVersion must be one of ${DECKHOUSE_API_VERSIONS.join(', ')}`);
  }
  if (
    document.clusterType !== undefined &&
    !CLUSTER_TYPES.includes(document.clusterType as string)
  ) {
    messages.push(
      `.clusterType must be one of [Cloud, Static], got ${JSON.stringify(document.clusterType)}`,
    );
  }
  if (document.clusterType === 'Cloud') {
    const provider = getPath(document, 'cloud.provider');
    if (document.cloud === undefined) {
      messages.push('.cloud is required when clusterType is Cloud');
    } else if (!CLOUD_PROVIDERS.includes(provider as string)) {
      messages.push(
        `.cloud.provider must be one of [${CLOUD_PROVIDERS.join(', ')}], got ${JSON.stringify(provider)}`,
      );
    }
    const prefix = getPath(document, 'cloud.prefix');
    if (
      prefix !== undefined &&
      (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.length > 45)
    ) {
      messages.push(`.cloud.prefix must match ${PREFIX.source} and be at most 45 characters`);
    }
  }
  if (
    document.kubernetesVersion !== undefined &&
    !KUBERNETES_VERSIONS.includes(scalarText(document.kubernetesVersion))
  ) {
    messages.push(
      `.kubernetesVersion must be one of [${KUBERNETES_VERSIONS.join(', ')}], got ${JSON.stringify(document.kubernetesVersion)}`,
    );
  }
  for (const field of ['podSubnetCIDR', 'serviceSubnetCIDR']) {
    if (document[field] !== undefined && !isCidr(document[field])) {
      messages.push(`.${field} must be an IPv4 CIDR, got ${JSON.stringify(document[field])}`);
    }
  }
  if (
    document.defaultCRI !== undefined &&
    !['Containerd', 'ContainerdV2', 'NotManaged'].includes(document.defaultCRI as string)
  ) {
    messages.push('.defaultCRI must be one of [Containerd, ContainerdV2, NotManaged]');
  }
  for (const field of ['httpProxy', 'httpsProxy']) {
    const value = getPath(document, `proxy.${field}`);
    if (value !== undefined && (typeof value !== 'string' || !/^https?:\/\//.test(value))) {
      messages.push(`.proxy.${field} must match ^https?://`);
    }
  }
  messages.push(...unknownFields(document, CLUSTER_CONFIGURATION_FIELDS));
  return messages;
}

function documentCountProblem(kind: string, count: number): Problem[] {
  return count === 1 ? [] : [problem(null, 0, [`exactly one "${kind}" required`])];
}

function unknownKindProblems(
  documents: readonly KubeDocument[],
  allowed: readonly string[],
): Problem[] {
  return documents.flatMap((document, index) =>
    allowed.includes(kindOf(document))
      ? []
      : [
          problem(document, index, [
            `unknown kind ${JSON.stringify(kindOf(document))}, expected one of (${allowed.map((k) => JSON.stringify(k)).join(', ')})`,
          ]),
        ],
  );
}

/** ValidateResources: YAML only, every document with apiVersion/kind/name, no CRDs. */
export function validateResources(request: ValidateConfigRequest): ValidateErrResponse {
  if (!request.opts?.commander_mode) {
    return {
      err: validationErrorJson(ValidationFailed, [
        problem(null, 0, ['resources validation is supported only in commander mode']),
      ]),
    };
  }
  const trimmed = request.config.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return {
      err: validationErrorJson(InvalidYAML, [
        problem(null, 0, ['got JSON format, but expected YAML'], InvalidYAML),
      ]),
    };
  }
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { err: parsed.err };
  }
  const problems = parsed.documents.flatMap((document, index) => {
    const messages: string[] = [];
    if (typeof document.apiVersion !== 'string' || document.apiVersion === '') {
      messages.push('.apiVersion is required');
    }
    if (kindOf(document) === '') {
      messages.push('.kind is required');
    }
    if (nameOf(document) === '') {
      messages.push('.metadata.name is required');
    }
    if (kindOf(document) === 'CustomResourceDefinition') {
      messages.push('CustomResourceDefinition is not allowed in resources');
    }
    if (kindOf(document) === 'ClusterConfiguration') {
      messages.push(...clusterConfigurationMessages(document));
    }
    // Custom resources of the bundled modules are checked against their CRD schemas.
    if (isInstanceClass(document)) {
      messages.push(...instanceClassMessages(document));
    }
    if (
      kindOf(document) === 'NodeGroup' &&
      scalarText(document.apiVersion).startsWith('deckhouse.io/')
    ) {
      messages.push(...nodeGroupMessages(document));
    }
    return messages.length ? [problem(document, index, messages)] : [];
  });
  return { err: validationErrorJson(ValidationFailed, problems) };
}

/** ValidateInitConfig: exactly one InitConfiguration, plus ModuleConfigs. */
export function validateInitConfig(request: ValidateConfigRequest): ValidateErrResponse {
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { err: parsed.err };
  }
  const { documents } = parsed;
  const problems = [
    ...documentCountProblem(
      'InitConfiguration',
      documentsOfKind(documents, 'InitConfiguration').length,
    ),
    ...unknownKindProblems(documents, ['InitConfiguration', 'ModuleConfig']),
  ];
  documents.forEach((document, index) => {
    const messages: string[] = [];
    if (kindOf(document) === 'InitConfiguration') {
      if (!DECKHOUSE_API_VERSIONS.includes(scalarText(document.apiVersion))) {
        messages.push(`.apiVersion must be one of ${DECKHOUSE_API_VERSIONS.join(', ')}`);
      }
      if (typeof document.deckhouse !== 'object' || document.deckhouse === null) {
        messages.push('.deckhouse is required');
      }
      const repo = getPath(document, 'deckhouse.imagesRepo');
      if (
        repo !== undefined &&
        !/^[0-9a-zA-Z.-]+(:[0-9]{1,5})?(\/[0-9a-zA-Z.\-_/]+)?$/.test(scalarText(repo))
      ) {
        messages.push('.deckhouse.imagesRepo does not match the registry pattern');
      }
      const scheme = getPath(document, 'deckhouse.registryScheme');
      if (scheme !== undefined && scheme !== 'HTTP' && scheme !== 'HTTPS') {
        messages.push('.deckhouse.registryScheme must be one of [HTTP, HTTPS]');
      }
      messages.push(...unknownFields(document, ['apiVersion', 'kind', 'deckhouse']));
    } else if (kindOf(document) === 'ModuleConfig') {
      if (nameOf(document) === '') {
        messages.push('.metadata.name is required');
      }
      const spec = document.spec;
      if (spec !== undefined && (typeof spec !== 'object' || spec === null)) {
        messages.push('.spec must be an object');
      }
    }
    if (messages.length) {
      problems.push(problem(document, index, messages));
    }
  });
  return { err: validationErrorJson(ValidationFailed, problems) };
}

/** ValidateClusterConfig: exactly one valid ClusterConfiguration; returns it as JSON. */
export function validateClusterConfig(
  request: ValidateConfigRequest,
): ValidateClusterConfigResponse {
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { cluster_config: '', err: parsed.err };
  }
  const { documents } = parsed;
  const configurations = documentsOfKind(documents, 'ClusterConfiguration');
  const problems = [
    ...documentCountProblem('ClusterConfiguration', configurations.length),
    ...unknownKindProblems(documents, ['ClusterConfiguration']),
  ];
  documents.forEach((document, index) => {
    if (kindOf(document) === 'ClusterConfiguration') {
      const messages = clusterConfigurationMessages(document);
      if (messages.length) {
        problems.push(problem(document, index, messages));
      }
    }
  });
  const [configuration] = configurations;
  return {
    cluster_config: problems.length === 0 && configuration ? JSON.stringify(configuration) : '',
    err: validationErrorJson(ValidationFailed, problems),
  };
}

/** ValidateStaticClusterConfig: at most one StaticClusterConfiguration. */
export function validateStaticClusterConfig(request: ValidateConfigRequest): ValidateErrResponse {
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { err: parsed.err };
  }
  const { documents } = parsed;
  const problems = unknownKindProblems(documents, ['StaticClusterConfiguration']);
  if (documentsOfKind(documents, 'StaticClusterConfiguration').length > 1) {
    problems.push(problem(null, 0, ['only one "StaticClusterConfiguration" allowed']));
  }
  documents.forEach((document, index) => {
    if (kindOf(document) !== 'StaticClusterConfiguration') {
      return;
    }
    const messages = unknownFields(document, ['apiVersion', 'kind', 'internalNetworkCIDRs']);
    if (document.apiVersion === undefined) {
      messages.push('.apiVersion is required');
    } else if (!DECKHOUSE_API_VERSIONS.includes(scalarText(document.apiVersion))) {
      messages.push(`.apiVersion must be one of ${DECKHOUSE_API_VERSIONS.join(', ')}`);
    }
    const cidrs = document.internalNetworkCIDRs;
    if (cidrs !== undefined) {
      if (!Array.isArray(cidrs)) {
        messages.push('.internalNetworkCIDRs must be an array');
      } else {
        cidrs.forEach((cidr: unknown, i) => {
          if (!isCidr(cidr)) {
            messages.push(
              `.internalNetworkCIDRs[${i}] must be an IPv4 CIDR, got ${JSON.stringify(cidr)}`,
            );
          }
        });
      }
    }
    if (messages.length) {
      problems.push(problem(document, index, messages));
    }
  });
  return { err: validationErrorJson(ValidationFailed, problems) };
}

/** Kind of the provider document for a `cloud.provider`. */
export function providerKind(provider: string): string {
  const special: Record<string, string> = {
    vSphere: 'VsphereClusterConfiguration',
    Huaweicloud: 'HuaweiCloudClusterConfiguration',
  };
  return special[provider] ?? `${provider}ClusterConfiguration`;
}

/** Providers not bundled in candi: their configuration is not validated by dhctl. */
const EXTERNAL_PROVIDERS = new Set(['DVP']);

/** ValidateProviderSpecificClusterConfig: exactly one `<Provider>ClusterConfiguration`. */
export function validateProviderSpecificClusterConfig(
  request: ValidateProviderSpecificClusterConfigRequest,
): ValidateErrResponse {
  let clusterConfig: unknown;
  try {
    clusterConfig = JSON.parse(request.cluster_config || '{}');
  } catch {
    return {
      err: validationErrorJson(ValidationFailed, [
        problem(null, 0, ['cluster_config is not valid JSON']),
      ]),
    };
  }
  const provider = getPath(clusterConfig, 'cloud.provider');
  if (typeof provider !== 'string') {
    return {
      err: validationErrorJson(ValidationFailed, [
        problem(null, 0, ['cluster_config has no cloud.provider']),
      ]),
    };
  }
  if (EXTERNAL_PROVIDERS.has(provider)) {
    return { err: '' };
  }
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { err: parsed.err };
  }
  const kind = providerKind(provider);
  const { documents } = parsed;
  const problems = [
    ...documentCountProblem(kind, documentsOfKind(documents, kind).length),
    ...unknownKindProblems(documents, [kind]),
  ];
  documents.forEach((document, index) => {
    if (kindOf(document) !== kind) {
      return;
    }
    // Bundled providers: their candi schema (provider-schemas.ts); others: the master group.
    const messages: string[] = hasProviderSchema(provider)
      ? providerConfigurationMessages(provider, document)
      : document.masterNodeGroup === undefined
        ? ['.masterNodeGroup is required']
        : [];
    const cidr = document.nodeNetworkCIDR;
    if (cidr !== undefined && !isCidr(cidr)) {
      messages.push(`.nodeNetworkCIDR must be an IPv4 CIDR, got ${JSON.stringify(cidr)}`);
    }
    if (messages.length) {
      problems.push(problem(document, index, messages));
    }
  });
  return { err: validationErrorJson(ValidationFailed, problems) };
}

const UNSAFE_FIELDS: Record<string, string[]> = {
  ClusterConfiguration: ['clusterType', 'cloud', 'podSubnetCIDR', 'serviceSubnetCIDR'],
  YandexClusterConfiguration: ['nodeNetworkCIDR', 'provider.cloudID', 'provider.folderID'],
  OpenStackClusterConfiguration: ['layout', 'provider.region', 'provider.tenantID'],
  AWSClusterConfiguration: ['vpcNetworkCIDR', 'nodeNetworkCIDR', 'provider.region'],
  GCPClusterConfiguration: ['layout', 'subnetworkCIDR', 'provider.region'],
  AzureClusterConfiguration: [
    'layout',
    'vNetCIDR',
    'subnetCIDR',
    'provider.location',
    'provider.subscriptionId',
    'provider.tenantId',
  ],
  VCDClusterConfiguration: ['internalNetworkCIDR'],
  HuaweiCloudClusterConfiguration: ['layout', 'provider.region', 'standard.internalNetworkCIDR'],
  DynamixClusterConfiguration: ['layout', 'nodeNetworkCIDR', 'nameservers'],
};
const GENERIC_PROVIDER_UNSAFE = ['nodeNetworkCIDR'];

/** ValidateChanges: x-unsafe fields and the updateReplicas rule (any change in BaseInfra). */
export function validateChanges(request: ValidateChangesRequest): ValidateErrResponse {
  if (request.phase === 'BaseInfra') {
    return { err: '' };
  }
  const before = parseOrError(request.old_config);
  if ('err' in before) {
    return { err: before.err };
  }
  const after = parseOrError(request.new_config);
  if ('err' in after) {
    return { err: after.err };
  }
  const identity = (d: KubeDocument) => `${kindOf(d)}|${scalarText(d.apiVersion)}|${nameOf(d)}`;
  const previous = new Map(before.documents.map((d) => [identity(d), d]));
  const problems: Problem[] = [];
  after.documents.forEach((document, index) => {
    const old = previous.get(identity(document));
    if (!old) {
      return;
    }
    const kind = kindOf(document);
    const fields =
      UNSAFE_FIELDS[kind] ?? (kind.endsWith('ClusterConfiguration') ? GENERIC_PROVIDER_UNSAFE : []);
    const messages: string[] = [];
    for (const field of fields) {
      const a = JSON.stringify(getPath(old, field) ?? null);
      const b = JSON.stringify(getPath(document, field) ?? null);
      if (a !== b) {
        messages.push(
          `.${field}: the field is unsafe (x-unsafe) and cannot be changed: ${a} -> ${b}`,
        );
      }
    }
    const oldReplicas = getPath(old, 'masterNodeGroup.replicas');
    const newReplicas = getPath(document, 'masterNodeGroup.replicas');
    if (typeof oldReplicas === 'number' && typeof newReplicas === 'number') {
      if (newReplicas === 0) {
        messages.push('.masterNodeGroup.replicas: cannot be changed to 0');
      } else if (oldReplicas > 1 && newReplicas === 1) {
        messages.push(
          `.masterNodeGroup.replicas: cannot be reduced from ${oldReplicas} to 1 (multi-master to single-master)`,
        );
      }
    }
    if (messages.length) {
      problems.push(problem(document, index, messages, ChangesValidationFailed));
    }
  });
  return { err: validationErrorJson(ChangesValidationFailed, problems) };
}

/** ParseConnectionConfig: one SSHConfig, SSHHosts; returns `{"SSHConfig", "SSHHosts"}` JSON. */
export function parseConnectionConfig(
  request: ValidateConfigRequest,
): ParseConnectionConfigResponse {
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { connection_config: '', err: parsed.err };
  }
  const { documents } = parsed;
  const problems: Problem[] = [];
  documents.forEach((document, index) => {
    if (kindOf(document) !== 'SSHConfig' && kindOf(document) !== 'SSHHost') {
      problems.push(
        problem(document, index, ['Unknown kind, expected one of (SSHConfig, SSHHost)']),
      );
    }
  });
  const configs = documentsOfKind(documents, 'SSHConfig');
  problems.push(...documentCountProblem('SSHConfig', configs.length));
  const hosts = documentsOfKind(documents, 'SSHHost');
  if (request.opts?.required_ssh_host && hosts.length === 0) {
    problems.push(problem(null, 0, ['at least one "SSHHost" required']));
  }
  documents.forEach((document, index) => {
    const messages: string[] = [];
    if (kindOf(document) === 'SSHConfig') {
      if (typeof document.sshUser !== 'string' || document.sshUser === '') {
        messages.push('.sshUser is required');
      }
      const keys = document.sshAgentPrivateKeys;
      const hasKeys = Array.isArray(keys) && keys.length > 0;
      if (keys !== undefined && !hasKeys) {
        messages.push('.sshAgentPrivateKeys must have at least 1 item');
      }
      if (!hasKeys && typeof document.sudoPassword !== 'string') {
        messages.push('one of .sshAgentPrivateKeys or .sudoPassword is required');
      }
      const port = document.sshPort;
      if (
        port !== undefined &&
        (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
      ) {
        messages.push('.sshPort must be a port number');
      }
    } else if (kindOf(document) === 'SSHHost') {
      if (typeof document.host !== 'string' || document.host === '') {
        messages.push('.host is required');
      }
    }
    if (messages.length) {
      problems.push(problem(document, index, messages));
    }
  });
  if (problems.length) {
    return { connection_config: '', err: validationErrorJson(ValidationFailed, problems) };
  }
  const strip = ({ apiVersion: _a, kind: _k, ...rest }: KubeDocument) => rest;
  const [sshConfig] = configs;
  return {
    connection_config: JSON.stringify({
      SSHConfig: sshConfig ? strip(sshConfig) : null,
      SSHHosts: hosts.map(strip),
    }),
    err: '',
  };
}

/** ConfigExtender (CNI): recommends `cni-cilium` when no CNI ModuleConfig is enabled. */
export function configExtender(request: ConfigExtenderRequest): ConfigExtenderResponse {
  if (request.kind !== 'CONFIG_EXTENSION_KIND_CNI') {
    return { err: `unsupported config extension kind ${request.kind}`, config: '' };
  }
  const parsed = parseOrError(request.config);
  if ('err' in parsed) {
    return { err: parsed.err, config: '' };
  }
  const hasCni = documentsOfKind(parsed.documents, 'ModuleConfig').some(
    (document) =>
      nameOf(document).startsWith('cni-') && getPath(document, 'spec.enabled') !== false,
  );
  if (hasCni) {
    return { err: '', config: '' };
  }
  return {
    err: '',
    config: JSON.stringify({
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'ModuleConfig',
      metadata: { name: 'cni-cilium' },
      spec: { enabled: true, version: 1, settings: { tunnelMode: 'VXLAN' } },
    }),
  };
}

type Unary<Req, Res> = (
  call: grpc.ServerUnaryCall<Req, Res>,
  callback: grpc.sendUnaryData<Res>,
) => void;

function unary<Req, Res>(fn: (request: Req) => Res): Unary<Req, Res> {
  return (call, callback) => {
    try {
      callback(null, fn(call.request));
    } catch (error) {
      // Only server faults are gRPC errors (Internal), as upstream.
      callback({ code: 13, details: `internal error: ${(error as Error).message}` });
    }
  };
}

/** Handlers of `dhctl.Validation`. */
export function validationHandlers(): grpc.UntypedServiceImplementation {
  return {
    ValidateResources: unary(validateResources),
    ValidateInitConfig: unary(validateInitConfig),
    ValidateClusterConfig: unary(validateClusterConfig),
    ValidateStaticClusterConfig: unary(validateStaticClusterConfig),
    ValidateProviderSpecificClusterConfig: unary(validateProviderSpecificClusterConfig),
    ValidateChanges: unary(validateChanges),
    ParseConnectionConfig: unary(parseConnectionConfig),
    ConfigExtender: unary(configExtender),
  };
}
