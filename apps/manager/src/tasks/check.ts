import { type CheckVerdict, completeCheck } from '@commander/core';

import {
  cancelledByUser,
  commanderOptions,
  configDocuments,
  type OperationRun,
  recordingHooks,
  startState,
} from './operation-context.js';

/** check: dhctl Check of the desired configuration against the cluster (reconcile). */
export async function runCheck(run: OperationRun): Promise<void> {
  const dhctl = run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
  const config = configDocuments(run, 'desired');
  await run.recorder.log([
    `Checking cluster ${run.claimed.cluster.name} against its configuration`,
  ]);
  const outcome = await dhctl.check(
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
  if (!outcome.ok) {
    await completeCheck(run.ctx, run.claimed, {
      error: outcome.error,
      state: outcome.state,
      cancelled: cancelledByUser(run),
    });
    return;
  }
  const verdict = outcome.result as CheckVerdict;
  await run.recorder.log([`Check result: ${verdict.status}`]);
  await completeCheck(run.ctx, run.claimed, { state: outcome.state, verdict, result: verdict });
}
