import { completeDelete } from '@commander/core';

import {
  bootstrapDocuments,
  commanderOptions,
  type OperationRun,
  recordingHooks,
  settle,
  startState,
} from './operation-context.js';

/**
 * delete: dhctl Destroy of an installed cluster, or Abort when its bootstrap never finished
 * (Abort cleans up after a failed bootstrap with that bootstrap's documents and state).
 */
export async function runDelete(run: OperationRun): Promise<void> {
  const dhctl = await run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
  const config = run.claimed.applied ?? run.claimed.desired;
  if (!config) {
    throw new Error('the cluster has no configuration to delete with');
  }
  const wasCreated = run.claimed.cluster.appliedRevision !== null;
  const hooks = recordingHooks(run);
  const state = startState(run);
  let outcome;
  if (wasCreated) {
    await run.recorder.log([
      `Deleting cluster ${run.claimed.cluster.name} with dhctl at ${dhctl.address}`,
    ]);
    outcome = await dhctl.destroy(
      {
        connection_config: config.connection_config,
        init_config: config.init_configuration,
        cluster_config: config.cluster_configuration,
        provider_specific_cluster_config: config.provider_specific_cluster_configuration,
        state,
        options: commanderOptions(run),
      },
      hooks,
    );
  } else {
    await run.recorder.log([
      `The installation did not finish: aborting it to clean up (dhctl at ${dhctl.address})`,
    ]);
    outcome = await dhctl.abort(
      {
        ...bootstrapDocuments({ ...run, claimed: { ...run.claimed, desired: config } }),
        state,
        options: commanderOptions(run),
      },
      hooks,
    );
  }
  await settle(run, outcome, (o) =>
    completeDelete(run.ctx, run.claimed, o.ok ? { state: o.state } : o),
  );
}
