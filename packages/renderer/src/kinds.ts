// Schemas of the configuration documents dhctl accepts (dhctl-protocol.md §4), written from the
// DKP OpenAPI specs: required fields, value rules, and `additionalProperties: false` where the
// spec has it (dhctl unmarshals strictly in Commander mode). Provider documents other than
// Yandex and OpenStack get a light check; their full schemas change with every provider release.

import { z } from 'zod';

import { describeValue, getAtPath, isRecord, typeName } from './util.js';

/** A problem in one document: where (path inside the document) and what. */
export type DocumentIssue = { path: PropertyKey[]; message: string };

/** Checks one parsed document of a known kind. */
export type KindValidator = (doc: Record<string, unknown>) => DocumentIssue[];

/** `cloud.provider` values of ClusterConfiguration. */
export const CLOUD_PROVIDERS = [
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
] as const;

/**
 * `kubernetesVersion` values accepted: "Automatic" or 1.20–1.36. The set DKP accepts changes
 * with every release (1.32–1.36 today, 1.2x on older releases), so the range is the union.
 */
export const KUBERNETES_VERSION_PATTERN = /^(Automatic|1\.(2\d|3[0-6]))$/;

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_CIDR = new RegExp(`^(${OCTET}\\.){3}${OCTET}/(3[0-2]|[12]?\\d)$`);
// From the InitConfiguration spec (deckhouse.imagesRepo).
const IMAGES_REPO = /^[0-9a-zA-Z.-]+(:[0-9]{1,5})?(\/[0-9a-zA-Z._/-]+)?$/;
const CLOUD_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DECKHOUSE_API_VERSIONS = ['deckhouse.io/v1', 'deckhouse.io/v1alpha1'] as const;
const DHCTL_API_VERSION = 'dhctl.deckhouse.io/v1';

function cidr(example: string): z.ZodString {
  return z.string().regex(IPV4_CIDR, { error: `must be an IPv4 CIDR such as ${example}` });
}

const nonEmpty = (): z.ZodString => z.string().min(1, { error: 'must not be empty' });
const port = (): z.ZodNumber =>
  z
    .int()
    .min(1, { error: 'must be a port (1–65535)' })
    .max(65535, { error: 'must be a port (1–65535)' });

/** Decodes strict standard base64 (as Go's base64.StdEncoding); null when invalid. */
function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return null;
  }
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function dockerCfgProblem(text: string): string | null {
  const bytes = decodeBase64(text);
  if (bytes === null) {
    return 'must be base64 (standard alphabet, padded) of a docker config.json';
  }
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isRecord(json) ? null : 'must be base64 of a docker config.json (a JSON object)';
  } catch {
    return 'must be base64 of a docker config.json; the decoded text is not JSON';
  }
}

const clusterConfigurationSchema = z.strictObject({
  apiVersion: z.enum(DECKHOUSE_API_VERSIONS),
  kind: z.literal('ClusterConfiguration'),
  clusterType: z.enum(['Cloud', 'Static']),
  cloud: z
    .strictObject({
      provider: z.enum(CLOUD_PROVIDERS),
      prefix: z
        .string()
        .regex(CLOUD_PREFIX, {
          error:
            'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
        })
        .max(45, { error: 'must be at most 45 characters' })
        .optional(),
    })
    .optional(),
  podSubnetCIDR: cidr('10.111.0.0/16'),
  serviceSubnetCIDR: cidr('10.222.0.0/16'),
  podSubnetNodeCIDRPrefix: z
    .string()
    .regex(/^([1-9]|[12]\d|3[0-2])$/, { error: 'must be a prefix length from 1 to 32, e.g. "24"' })
    .optional(),
  clusterDomain: nonEmpty(),
  defaultCRI: z.enum(['Containerd', 'ContainerdV2', 'NotManaged']).optional(),
  kubernetesVersion: z.string().regex(KUBERNETES_VERSION_PATTERN, {
    error: 'must be "Automatic" or a supported Kubernetes version from "1.20" to "1.36"',
  }),
  encryptionAlgorithm: z.enum(['RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256']).optional(),
  proxy: z
    .strictObject({
      httpProxy: z
        .string()
        .regex(/^https?:\/\//, { error: 'must start with http:// or https://' })
        .optional(),
      httpsProxy: z
        .string()
        .regex(/^https?:\/\//, { error: 'must start with http:// or https://' })
        .optional(),
      noProxy: z
        .array(z.string().regex(/^[a-z0-9\-./]+$/, { error: 'must be a host, domain or CIDR' }))
        .optional(),
    })
    .optional(),
  // Older DKP releases; still accepted there.
  packagesProxy: z.looseObject({}).optional(),
});

const staticClusterConfigurationSchema = z.strictObject({
  apiVersion: z.enum(DECKHOUSE_API_VERSIONS),
  kind: z.literal('StaticClusterConfiguration'),
  internalNetworkCIDRs: z.array(cidr('10.0.1.0/24')).optional(),
});

const initConfigurationSchema = z.strictObject({
  apiVersion: z.enum(DECKHOUSE_API_VERSIONS),
  kind: z.literal('InitConfiguration'),
  deckhouse: z.looseObject({
    imagesRepo: z
      .string()
      .regex(IMAGES_REPO, {
        error: 'must be a registry path such as registry.deckhouse.io/deckhouse/ce',
      })
      .optional(),
    registryDockerCfg: z
      .string()
      .superRefine((s, ctx) => {
        const problem = dockerCfgProblem(s);
        if (problem !== null) {
          ctx.addIssue({ code: 'custom', message: problem });
        }
      })
      .optional(),
    registryCA: z.string().optional(),
    registryScheme: z.enum(['HTTP', 'HTTPS']).optional(),
    releaseChannel: z.enum(['Alpha', 'Beta', 'EarlyAccess', 'Stable', 'RockSolid']).optional(),
    bundle: z.enum(['Minimal', 'Managed', 'Default']).optional(),
    logLevel: z.enum(['Debug', 'Info', 'Error']).optional(),
    devBranch: z.string().optional(),
    configOverrides: z.record(z.string(), z.unknown()).optional(),
  }),
});

const sshConfigSchema = z.strictObject({
  apiVersion: z.literal(DHCTL_API_VERSION),
  kind: z.literal('SSHConfig'),
  sshUser: nonEmpty().optional(),
  sshPort: port().optional(),
  sshExtraArgs: z.string().optional(),
  sshAgentPrivateKeys: z
    .array(z.strictObject({ key: nonEmpty(), passphrase: z.string().optional() }))
    .min(1, { error: 'must list at least one key' })
    .optional(),
  sshBastionHost: z.string().optional(),
  sshBastionPort: port().optional(),
  sshBastionUser: z.string().optional(),
  sshBastionPassword: z.string().optional(),
  sudoPassword: z.string().optional(),
  legacyMode: z.boolean().optional(),
  modernMode: z.boolean().optional(),
});

const sshHostSchema = z.strictObject({
  apiVersion: z.literal(DHCTL_API_VERSION),
  kind: z.literal('SSHHost'),
  host: nonEmpty(),
});

const replicas = (): z.ZodNumber => z.int().min(1, { error: 'must be at least 1' });

const yandexSchema = z.looseObject({
  apiVersion: z.enum(DECKHOUSE_API_VERSIONS),
  kind: z.literal('YandexClusterConfiguration'),
  layout: z.enum(['Standard', 'WithoutNAT', 'WithNATInstance']),
  nodeNetworkCIDR: cidr('10.241.32.0/20'),
  sshPublicKey: nonEmpty(),
  masterNodeGroup: z.looseObject({
    replicas: replicas(),
    instanceClass: z.looseObject({
      cores: z.int().min(1, { error: 'must be at least 1' }),
      memory: z.int().min(1, { error: 'must be at least 1' }),
      imageID: nonEmpty(),
    }),
  }),
  provider: z.looseObject({
    cloudID: nonEmpty(),
    folderID: nonEmpty(),
    serviceAccountJSON: nonEmpty(),
  }),
  withNATInstance: z.looseObject({}).optional(),
});

const openStackSchema = z.looseObject({
  apiVersion: z.enum(DECKHOUSE_API_VERSIONS),
  kind: z.literal('OpenStackClusterConfiguration'),
  layout: z.enum(['Standard', 'StandardWithNoRouter', 'Simple', 'SimpleWithInternalNetwork']),
  provider: z.looseObject({}),
  sshPublicKey: nonEmpty(),
  masterNodeGroup: z.looseObject({
    replicas: replicas(),
    instanceClass: z.looseObject({ flavorName: nonEmpty(), imageName: nonEmpty() }),
    volumeTypeMap: z.record(z.string(), z.string()),
  }),
});

const otherProviderSchema = z.looseObject({
  apiVersion: z.enum(DECKHOUSE_API_VERSIONS),
  kind: z.string(),
  sshPublicKey: nonEmpty().optional(),
  masterNodeGroup: z.looseObject({ replicas: replicas().optional() }).optional(),
});

const moduleConfigSchema = z.looseObject({
  apiVersion: z.literal('deckhouse.io/v1alpha1'),
  kind: z.literal('ModuleConfig'),
  metadata: z.looseObject({ name: nonEmpty() }),
  spec: z
    .strictObject({
      enabled: z.boolean().optional(),
      version: z.int().min(1, { error: 'must be at least 1' }).optional(),
      settings: z.record(z.string(), z.unknown()).optional(),
      maintenance: z.enum(['NoResourceReconciliation']).optional(),
      updatePolicy: z.string().optional(),
      source: z.string().optional(),
    })
    .optional(),
});

const resourceSchema = z.looseObject({
  apiVersion: nonEmpty(),
  kind: nonEmpty(),
  metadata: z.looseObject({ name: nonEmpty() }),
});

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  array: 'a list',
};

/** Turns zod issues into document issues with messages that name what was found. */
function fromZod(schema: z.ZodType, doc: Record<string, unknown>): DocumentIssue[] {
  const result = schema.safeParse(doc);
  if (result.success) {
    return [];
  }
  const issues: DocumentIssue[] = [];
  for (const issue of result.error.issues) {
    const path = [...issue.path];
    const actual = getAtPath(doc, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          issues.push({
            path: [...path, key],
            message: 'unknown field (not allowed by the schema)',
          });
        }
        break;
      case 'invalid_type': {
        if (actual === undefined) {
          issues.push({ path, message: 'is required' });
          break;
        }
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        // The usual YAML trap: 1.30 or 24 unquoted are numbers, not strings.
        const hint =
          issue.expected === 'string' && typeof actual === 'number'
            ? ' (quote the value in YAML)'
            : '';
        issues.push({
          path,
          message: `must be ${expected}, got ${typeName(actual)} ${describeValue(actual)}${hint}`,
        });
        break;
      }
      case 'invalid_value': {
        if (actual === undefined) {
          issues.push({ path, message: 'is required' });
          break;
        }
        const allowed = issue.values.map((v) => describeValue(v)).join(', ');
        const hint = typeof actual === 'number' ? ' (quote the value in YAML)' : '';
        issues.push({
          path,
          message: `must be ${issue.values.length === 1 ? '' : 'one of '}${allowed}, got ${describeValue(actual)}${hint}`,
        });
        break;
      }
      default:
        issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

function validateClusterConfiguration(doc: Record<string, unknown>): DocumentIssue[] {
  const issues = fromZod(clusterConfigurationSchema, doc);
  if (doc.clusterType === 'Cloud' && doc.cloud === undefined) {
    issues.push({
      path: ['cloud'],
      message: 'is required when clusterType is Cloud (provider and prefix)',
    });
  }
  return issues;
}

function validateSSHConfig(doc: Record<string, unknown>): DocumentIssue[] {
  const issues = fromZod(sshConfigSchema, doc);
  // The spec's anyOf: sshUser with sshAgentPrivateKeys, or sshUser with sudoPassword.
  if (doc.sshUser === undefined) {
    issues.push({ path: ['sshUser'], message: 'is required' });
  }
  if (doc.sshAgentPrivateKeys === undefined && doc.sudoPassword === undefined) {
    issues.push({
      path: ['sshAgentPrivateKeys'],
      message:
        'is required unless sudoPassword is set (SSHConfig needs a private key or a sudo password)',
    });
  }
  return issues;
}

function validateYandex(doc: Record<string, unknown>): DocumentIssue[] {
  const issues = fromZod(yandexSchema, doc);
  if (doc.layout === 'WithNATInstance' && doc.withNATInstance === undefined) {
    issues.push({
      path: ['withNATInstance'],
      message: 'is required when layout is WithNATInstance',
    });
  }
  return issues;
}

const VALIDATORS: Record<string, KindValidator> = {
  ClusterConfiguration: validateClusterConfiguration,
  StaticClusterConfiguration: (doc) => fromZod(staticClusterConfigurationSchema, doc),
  InitConfiguration: (doc) => fromZod(initConfigurationSchema, doc),
  SSHConfig: validateSSHConfig,
  SSHHost: (doc) => fromZod(sshHostSchema, doc),
  YandexClusterConfiguration: validateYandex,
  OpenStackClusterConfiguration: (doc) => fromZod(openStackSchema, doc),
  ModuleConfig: (doc) => fromZod(moduleConfigSchema, doc),
};

/** Kinds that belong to the configuration sections, never to resource sections. */
export const CONFIGURATION_KINDS: ReadonlySet<string> = new Set([
  'ClusterConfiguration',
  'StaticClusterConfiguration',
  'InitConfiguration',
  'SSHConfig',
  'SSHHost',
]);

/**
 * Whether `kind` is a `<Provider>ClusterConfiguration` (a placement document of a cloud cluster).
 * `apiVersion` tells it from a custom resource that happens to end the same way.
 */
export function isProviderClusterConfiguration(kind: string, apiVersion: unknown): boolean {
  return (
    kind.endsWith('ClusterConfiguration') &&
    kind !== 'ClusterConfiguration' &&
    kind !== 'StaticClusterConfiguration' &&
    (DECKHOUSE_API_VERSIONS as readonly unknown[]).includes(apiVersion)
  );
}

// How DKP spells the placement kind of each provider (the provider name is not always its prefix).
const PROVIDER_KINDS: Record<string, string> = {
  vSphere: 'VsphereClusterConfiguration',
  Huaweicloud: 'HuaweiCloudClusterConfiguration',
};

/** The placement document kind for a `cloud.provider` value, e.g. `Yandex` → `YandexClusterConfiguration`. */
export function providerKind(provider: string): string {
  return PROVIDER_KINDS[provider] ?? `${provider}ClusterConfiguration`;
}

/** Whether `kind` is the placement kind of `provider` (case-insensitively, as DKP's spellings vary). */
export function providerKindMatches(kind: string, provider: string): boolean {
  return kind.toLowerCase() === providerKind(provider).toLowerCase();
}

/**
 * Validates a document by its kind: the configuration kinds and ModuleConfig by their schemas,
 * other `<Provider>ClusterConfiguration`s lightly, anything else as a Kubernetes resource
 * (`apiVersion`, `kind`, `metadata.name`). `inPlacement` treats every `…ClusterConfiguration`
 * as a provider document whatever its apiVersion (the placement section holds nothing else).
 */
export function validateDocument(
  doc: Record<string, unknown>,
  inPlacement = false,
): DocumentIssue[] {
  const kind = doc.kind;
  if (typeof kind === 'string') {
    const validator = VALIDATORS[kind];
    if (validator) {
      return validator(doc);
    }
    if (
      isProviderClusterConfiguration(kind, doc.apiVersion) ||
      (inPlacement && kind.endsWith('ClusterConfiguration'))
    ) {
      return fromZod(otherProviderSchema, doc);
    }
  }
  return fromZod(resourceSchema, doc);
}
