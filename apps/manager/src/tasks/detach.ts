import { completeDetach } from '@commander/core';

import {
  cancelledByUser,
  commanderOptions,
  configDocuments,
  type OperationRun,
  recordingHooks,
  startState,
} from './operation-context.js';

/** detach: dhctl CommanderDetach; the cluster becomes autonomous and is archived. */
export async function runDetach(run: OperationRun): Promise<void> {
  const dhctl = run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
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
  await run.recorder.flush();
  await completeDetach(
    run.ctx,
    run.claimed,
    outcome.ok
      ? { state: outcome.state }
      : { error: outcome.error, state: outcome.state, cancelled: cancelledByUser(run) },
  );
}
