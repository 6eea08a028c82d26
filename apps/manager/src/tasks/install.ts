import { completeInstall, completeInstallSucceeded } from '@commander/core';

import {
  agentResourcesYaml,
  bootstrapDocuments,
  commanderOptions,
  type OperationRun,
  recordingHooks,
  settle,
  startState,
} from './operation-context.js';

/** install: dhctl Bootstrap of the desired configuration. */
export async function runInstall(run: OperationRun): Promise<void> {
  const dhctl = await run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
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
  await settle(
    run,
    outcome,
    (o) =>
      completeInstall(
        run.ctx,
        run.claimed,
        o.ok ? { state: o.state } : o,
        // Reached after a success only when the one-statement end below did not apply.
        { succeededTried: o.ok },
      ),
    [],
    // The common end: the last lines, the progress and the completion in one statement.
    async (o, log) =>
      (await completeInstallSucceeded(
        run.ctx,
        run.claimed,
        { state: o.state },
        { instanceId: run.deps.instanceId, log },
      )) === 'done',
  );
}
