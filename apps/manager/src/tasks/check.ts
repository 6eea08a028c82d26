import { type CheckVerdict, completeCheck, completeCheckInSync } from '@commander/core';

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
  // The verdict's line goes with the run's last lines (one write), before the result is recorded.
  const closingLines =
    outcome.ok && !outcome.stopped ? [`Check result: ${outcome.result.status ?? 'unknown'}`] : [];
  await settle(
    run,
    outcome,
    async (o) => {
      if (!o.ok) {
        return completeCheck(run.ctx, run.claimed, o);
      }
      const verdict: CheckVerdict = o.result;
      return completeCheck(
        run.ctx,
        run.claimed,
        { state: o.state, verdict, result: verdict },
        // Reached only when the one-statement end below did not apply.
        { instanceId: run.deps.instanceId, inSyncTried: true },
      );
    },
    closingLines,
    // The common end (in sync, and the cluster already is): the last lines, the progress and
    // the completion in one statement.
    async (o, log) =>
      (await completeCheckInSync(
        run.ctx,
        run.claimed,
        { state: o.state, verdict: o.result, result: o.result },
        { instanceId: run.deps.instanceId, log },
      )) === 'done',
  );
}
