import { type CheckVerdict, completeCheck } from '@commander/core';

import {
  commanderOptions,
  configDocuments,
  type OperationRun,
  recordingHooks,
  settle,
  startState,
} from './operation-context.js';

/** check: dhctl Check of the desired configuration against the cluster (reconcile). */
export async function runCheck(run: OperationRun): Promise<void> {
  const dhctl = await run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
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
  await settle(run, outcome, async (o) => {
    if (!o.ok) {
      return completeCheck(run.ctx, run.claimed, o);
    }
    const verdict = o.result as CheckVerdict;
    await run.recorder.log([`Check result: ${verdict.status}`]);
    await run.recorder.flush();
    return completeCheck(
      run.ctx,
      run.claimed,
      { state: o.state, verdict, result: verdict },
      { instanceId: run.deps.instanceId },
    );
  });
}
