import { completeDetach } from '@commander/core';

import {
  commanderOptions,
  configDocuments,
  type OperationRun,
  recordingHooks,
  settle,
  startState,
} from './operation-context.js';

/** detach: dhctl CommanderDetach; the cluster becomes autonomous and is archived. */
export async function runDetach(run: OperationRun): Promise<void> {
  const dhctl = await run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
  const config = configDocuments(run, 'applied');
  await run.recorder.log([
    `Detaching cluster ${run.claimed.cluster.name}: Commander stops managing it`,
  ]);
  const outcome = await dhctl.commanderDetach(
    {
      connection_config: config.connection_config,
      cluster_config: config.cluster_configuration,
      provider_specific_cluster_config: config.provider_specific_cluster_configuration,
      state: startState(run),
      options: commanderOptions(run),
    },
    recordingHooks(run),
  );
  await settle(run, outcome, (o) =>
    completeDetach(run.ctx, run.claimed, o.ok ? { state: o.state } : o),
  );
}
