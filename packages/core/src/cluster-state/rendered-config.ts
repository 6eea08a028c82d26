import type { ResourceSyncMode } from '@commander/contracts';
import type { Prisma } from '@commander/db';
import { parseAllDocuments, stringify } from 'yaml';

import type { Encryptor } from '../context.js';

/** One resource group after rendering: synced by the agent. */
export type RenderedResourceGroup = { name: string; sync_mode: ResourceSyncMode; yaml: string };

/**
 * A cluster's configuration after rendering, by section. Stored encrypted (it may contain
 * secrets: SSH keys, passwords rendered into YAML) as the desired and the applied configuration.
 */
export type RenderedConfig = {
  /** ClusterConfiguration (kubernetes section). */
  cluster_configuration: string;
  /** <Provider>ClusterConfiguration or StaticClusterConfiguration (placement section). */
  provider_specific_cluster_configuration: string;
  /** InitConfiguration (installation section). */
  init_configuration: string;
  /** SSHConfig + SSHHost (ssh section). */
  connection_config: string;
  /** Resources installed at bootstrap (primary_resources section). */
  primary_resources: string;
  /** Resource groups the agent keeps applied. */
  resources: RenderedResourceGroup[];
};

export function encryptRendered(encryptor: Encryptor, config: RenderedConfig): string {
  return encryptor.encrypt(JSON.stringify(config));
}

export function decryptRendered(
  encryptor: Encryptor,
  message: string | null,
): RenderedConfig | null {
  return message === null ? null : (JSON.parse(encryptor.decrypt(message)) as RenderedConfig);
}

/** All resource groups as one multi-document YAML stream (the API's `*_resources_rendered`). */
export function joinResources(config: RenderedConfig): string {
  return config.resources
    .map((g) => g.yaml.trim())
    .filter((y) => y.length > 0)
    .join('\n---\n');
}

/**
 * A public render (secrets as `<secret:key>` placeholders) as stored in the
 * `*_rendered_public` JSON columns: it holds no secret, so it is not encrypted.
 */
export function publicRenderedJson(config: RenderedConfig): Prisma.InputJsonValue {
  return config;
}

/** Reads a `*_rendered_public` column (null for rows from before public renders). */
export function readPublicRendered(value: Prisma.JsonValue | null): RenderedConfig | null {
  return value === null ? null : (value as unknown as RenderedConfig);
}

/** Text of a section withheld from callers who do not reveal secrets (not rendered by Commander). */
export function withheldText(what: string): string {
  return `# <secret:${what}>: withheld (it may hold secrets Commander cannot replace by placeholders); reveal secrets to see it.\n`;
}

/**
 * The public counterpart of a configuration Commander did not render from a template (an
 * attached cluster's connection configuration, what a scan read from a cluster): the sections
 * that come from outside are withheld, since their secrets are unknown to Commander.
 */
export function withheldPublicConfig(
  config: RenderedConfig,
  base: RenderedConfig | null,
  outside: readonly (keyof Omit<RenderedConfig, 'resources'>)[],
): RenderedConfig {
  const out: RenderedConfig = { ...(base ?? config), resources: (base ?? config).resources };
  for (const key of outside) {
    out[key] = config[key] === '' ? '' : withheldText(key);
  }
  return out;
}

/** ClusterConfiguration fields that never hold a secret (DKP's schema; proxies may hold passwords). */
const SCANNED_CLUSTER_CONFIGURATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'clusterType',
  'cloud',
  'podSubnetCIDR',
  'serviceSubnetCIDR',
  'podSubnetNodeCIDRPrefix',
  'clusterDomain',
  'defaultCRI',
  'kubernetesVersion',
  'encryptionAlgorithm',
]);

/**
 * The public form of a ClusterConfiguration read from a cluster (attach scan): an allowlist of
 * fields that cannot hold secrets; every other field (proxy settings, unknown fields) becomes a
 * `<secret:field>` placeholder. Text that does not parse is withheld whole.
 */
export function publicScannedClusterConfiguration(text: string): string {
  if (text.trim() === '') {
    return '';
  }
  const docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) {
    return withheldText('cluster_configuration');
  }
  const out: string[] = [];
  for (const doc of docs) {
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      return withheldText('cluster_configuration');
    }
    const kept: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      kept[key] =
        SCANNED_CLUSTER_CONFIGURATION_FIELDS.has(key) && (key !== 'cloud' || isPlainCloud(inner))
          ? inner
          : `<secret:${key}>`;
    }
    out.push(stringify(kept));
  }
  return out.join('---\n');
}

function isPlainCloud(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.entries(value).every(
      ([k, v]) => (k === 'provider' || k === 'prefix') && typeof v === 'string',
    )
  );
}
