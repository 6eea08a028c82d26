import { completeUpdate, type ConvergeVerdict } from '@commander/core';

import {
  commanderOptions,
  configDocuments,
  type OperationRun,
  recordingHooks,
  settle,
  startState,
} from './operation-context.js';

/**
 * update: dhctl Converge of the desired configuration. dhctl checks first; destructive changes
 * are applied only with the approved destructive change id.
 */
export async function runUpdate(run: OperationRun): Promise<void> {
  const dhctl = await run.deps.dhctlFor(run.claimed.cluster.dkpVersion ?? undefined);
  const config = configDocuments(run, 'desired');
  const approveId = run.claimed.operation.approveDestructionChangeId;
  await run.recorder.log([
    `Converging cluster ${run.claimed.cluster.name} to revision ${run.claimed.operation.desiredRevision ?? '?'}` +
      (approveId ? ` (destructive change ${approveId.slice(0, 12)}… approved)` : ''),
  ]);
  const outcome = await dhctl.converge(
    {
      connection_config: config.connection_config,
      cluster_config: config.cluster_configuration,
      provider_specific_cluster_config: config.provider_specific_cluster_configuration,
      state: startState(run),
      approve_destruction_change_id: approveId ?? '',
      options: commanderOptions(run),
    },
    recordingHooks(run),
  );
  await settle(run, outcome, async (o) => {
    if (!o.ok) {
      return completeUpdate(run.ctx, run.claimed, o);
    }
    const verdict: ConvergeVerdict | null = o.result;
    if (verdict?.status === 'NeedApproveForDestructiveChange') {
      await run.recorder.log([
        'dhctl found destructive changes: waiting for a person to approve them',
      ]);
      await run.recorder.flush();
    }
    return completeUpdate(run.ctx, run.claimed, { state: o.state, verdict, result: verdict });
  });
}
