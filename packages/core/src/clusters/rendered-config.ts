import type { ResourceSyncMode } from '@commander/contracts';

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
