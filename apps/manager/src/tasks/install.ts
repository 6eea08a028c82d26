import { completeInstall, handBackOperation } from '@commander/core';

import {
  agentResourcesYaml,
  bootstrapDocuments,
  cancelledByUser,
  commanderOptions,
  type OperationRun,
  recordingHooks,
  startState,
} from './operation-context.js';

/** install: dhctl Bootstrap of the desired configuration. */
export async function runInstall(run: OperationRun): Promise<void> {
  const dhctl = run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
  const resuming = run.claimed.phaseState !== null;
  await run.recorder.log([
    resuming
      ? `Resuming the installation after phase ${run.claimed.operation.lastCompletedPhase ?? '?'} (attempt ${run.claimed.operation.attempt})`
      : `Installing cluster ${run.claimed.cluster.name} with dhctl at ${dhctl.address}`,
  ]);
  const agentYaml = await agentResourcesYaml(run);
  const outcome = await dhctl.bootstrap(
    {
      ...bootstrapDocuments(run, agentYaml),
      state: startState(run),
      options: commanderOptions(run),
    },
    recordingHooks(run),
  );
  await run.recorder.flush();
  if (outcome.ok && outcome.stopped) {
    await handBackOperation(run.ctx, run.claimed.operation.id);
    return;
  }
  if (!outcome.ok) {
    await run.recorder.failCurrentPhase();
  }
  await completeInstall(
    run.ctx,
    run.claimed,
    outcome.ok
      ? { state: outcome.state }
      : { error: outcome.error, state: outcome.state, cancelled: cancelledByUser(run) },
  );
}
