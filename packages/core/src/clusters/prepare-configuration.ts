import type { RenderError } from '@commander/contracts';
import type { ClusterTemplateVersion } from '@commander/db';
import { parseAllDocuments } from 'yaml';

import type { InstanceInfo } from '../context.js';
import type { RenderedConfig } from './rendered-config.js';

export type PrepareInput = {
  version: ClusterTemplateVersion;
  values: Record<string, unknown>;
  clusterUuid: string;
  sshPublicKey: string;
  sshPrivateKey: string;
  instance: InstanceInfo;
};

export type PreparedConfiguration = {
  /** Values to store in plaintext (everything but secrets). */
  publicValues: Record<string, unknown>;
  /** Values of password fields, stored encrypted. */
  secretValues: Record<string, unknown>;
  rendered: RenderedConfig | null;
  errors: RenderError[];
  clusterType: string | null;
  connectionHosts: { masters: { host: string; user: string | null }[] };
};

/**
 * Turns a template version and input values into the cluster's desired configuration.
 * The sections are used as literal YAML and checked to parse.
 */
export function prepareConfiguration(input: PrepareInput): PreparedConfiguration {
  const v = input.version;
  const rendered: RenderedConfig = {
    cluster_configuration: v.kubernetesTemplate,
    provider_specific_cluster_configuration: v.placementTemplate,
    init_configuration: v.installationTemplate,
    connection_config: v.sshTemplate,
    primary_resources: v.primaryResourcesTemplate,
    resources: (v.resources as { name: string; sync_mode?: 'managed' | 'unmanaged'; template: string }[]).map((g) => ({
      name: g.name,
      sync_mode: g.sync_mode ?? 'managed',
      yaml: g.template,
    })),
  };
  const errors: RenderError[] = [];
  const sections: [string, string][] = [
    ['kubernetes', rendered.cluster_configuration],
    ['placement', rendered.provider_specific_cluster_configuration],
    ['installation', rendered.init_configuration],
    ['ssh', rendered.connection_config],
    ['primary_resources', rendered.primary_resources],
    ...rendered.resources.map((g): [string, string] => [`resources/${g.name}`, g.yaml]),
  ];
  const docsBySection = new Map<string, Record<string, unknown>[]>();
  for (const [section, text] of sections) {
    const docs = parseAllDocuments(text);
    const parsed: Record<string, unknown>[] = [];
    docs.forEach((doc, index) => {
      for (const err of doc.errors) {
        errors.push({ section, document: index, line: err.linePos?.[0].line ?? null, message: err.message });
      }
      const value: unknown = doc.toJS();
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        parsed.push(value as Record<string, unknown>);
      }
    });
    docsBySection.set(section, parsed);
  }
  const clusterConfig = docsBySection.get('kubernetes')?.find((d) => d.kind === 'ClusterConfiguration');
  const sshDocs = docsBySection.get('ssh') ?? [];
  const sshUser = sshDocs.find((d) => d.kind === 'SSHConfig')?.sshUser;
  const masters = sshDocs
    .filter((d) => d.kind === 'SSHHost' && typeof d.host === 'string')
    .map((d) => ({ host: d.host as string, user: typeof sshUser === 'string' ? sshUser : null }));
  return {
    publicValues: input.values,
    secretValues: {},
    rendered: errors.length === 0 ? rendered : null,
    errors,
    clusterType: typeof clusterConfig?.clusterType === 'string' ? clusterConfig.clusterType.toLowerCase() : null,
    connectionHosts: { masters },
  };
}
