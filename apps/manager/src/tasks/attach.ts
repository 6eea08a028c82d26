import { completeAttach, type RenderedConfig } from '@commander/core';
import { parseAllDocuments } from 'yaml';

import {
  agentResourcesYaml,
  commanderOptions,
  configDocuments,
  joinYaml,
  type OperationRun,
  recordingHooks,
  settle,
} from './operation-context.js';

function clusterTypeOf(clusterConfiguration: string): string | null {
  for (const doc of parseAllDocuments(clusterConfiguration)) {
    const value = doc.toJS() as { kind?: string; clusterType?: string } | null;
    if (value?.kind === 'ClusterConfiguration' && typeof value.clusterType === 'string') {
      return value.clusterType.toLowerCase();
    }
  }
  return null;
}

/**
 * attach: dhctl CommanderAttach. A new cluster is scanned only (its configuration is read
 * and shown; the cluster becomes ready to join); a cluster ready to join is taken under
 * management (the join).
 */
export async function runAttach(run: OperationRun): Promise<void> {
  const dhctl = await run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
  const config = configDocuments(run, 'desired');
  const scanOnly = run.claimed.cluster.status === 'NEW';
  await run.recorder.log([
    scanOnly ? 'Scanning the existing cluster' : 'Taking the cluster under management',
  ]);
  const outcome = await dhctl.commanderAttach(
    {
      connection_config: config.connection_config,
      scan_only: scanOnly,
      resources_template: scanOnly
        ? ''
        : joinYaml(config.primary_resources, await agentResourcesYaml(run)),
      options: commanderOptions(run),
    },
    { ...recordingHooks(run) },
  );
  await settle(run, outcome, (o) => {
    if (!o.ok) {
      return completeAttach(run.ctx, run.claimed, o);
    }
    const scan = o.result?.scan_result;
    const found: RenderedConfig | null = scan
      ? {
          ...config,
          cluster_configuration: scan.cluster_configuration,
          provider_specific_cluster_configuration: scan.provider_specific_cluster_configuration,
        }
      : null;
    return completeAttach(run.ctx, run.claimed, {
      state: o.state,
      result: o.result,
      findings: {
        phase: scanOnly ? 'scanned' : 'attached',
        config: found,
        clusterType: found ? clusterTypeOf(found.cluster_configuration) : null,
      },
    });
  });
}
