// Simulated Check: progress for CheckInfra and CheckConfiguration only, no phase ends; the
// result is the CheckResult JSON.
import { type CheckResult, type CheckStart, plannedPhases } from '@commander/dhctl';

import { checkCluster } from '../checker.js';
import {
  type DesiredCluster,
  desiredFromRequest,
  parseConnection,
  type VirtualCluster,
} from '../cluster-model.js';
import { OperationFailed } from '../conversation.js';
import type { PhaseLog } from '../log-lines.js';
import { OperationRun } from '../operation-run.js';
import { type OperationHandler, resolveCluster, withConfiguration } from './common.js';

/**
 * Runs the two check phases (as phases or as sub-phases of a `Check` phase) and returns the
 * result. Shared by Check, Converge, CommanderAttach and CommanderDetach.
 */
export async function runCheckSteps(
  run: OperationRun,
  cluster: VirtualCluster,
  desired: DesiredCluster,
  commanderUuid: string,
  mode: 'phases' | 'sub-phases',
  log?: PhaseLog,
): Promise<CheckResult> {
  const infraLines =
    cluster.clusterType === 'Cloud'
      ? ['Infrastructure plan for base infrastructure', `Plan nodes: ${cluster.nodes.length} nodes`]
      : ['Static cluster: no infrastructure to check'];
  const configurationLines = [
    'Get Secret "d8-cluster-configuration"',
    cluster.clusterType === 'Cloud'
      ? 'Get Secret "d8-provider-cluster-configuration"'
      : 'Get Secret "d8-static-cluster-configuration"',
    'Get ConfigMap "d8-commander-uuid"',
  ];
  if (mode === 'phases') {
    await run.phase('CheckInfra', (phaseLog) => phaseLog.step('Check infrastructure', infraLines));
    let result: CheckResult | undefined;
    await run.phase('CheckConfiguration', (phaseLog) => {
      phaseLog.step('Check configuration', configurationLines);
      result = checkCluster(cluster, desired, commanderUuid);
      phaseLog.step('Check result', JSON.stringify(result, null, 2).split('\n'));
    });
    if (!result) {
      throw new OperationFailed('check produced no result');
    }
    return result;
  }
  if (!log) {
    throw new OperationFailed('check sub-phases need a phase log');
  }
  await run.subPhase('CheckInfra', log, infraLines);
  const result = checkCluster(cluster, desired, commanderUuid);
  await run.subPhase('CheckConfiguration', log, configurationLines);
  log.step('Check result', JSON.stringify(result, null, 2).split('\n'));
  return result;
}

/** The Check operation. */
export const runCheck: OperationHandler<CheckStart> = async ({
  conversation,
  start,
  deps,
  state,
}) => {
  if (!start.options?.commander_mode) {
    throw new OperationFailed('check operation currently supported only in commander mode');
  }
  const connection = withConfiguration(() => parseConnection(start.connection_config));
  const desired = withConfiguration(() =>
    desiredFromRequest(start.cluster_config, start.provider_specific_cluster_config),
  );
  const cluster = resolveCluster(deps, state, connection.hosts);
  state.set('uuid', Buffer.from(cluster.uuid, 'utf8'));
  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'Check',
      progressOperation: 'Check',
      phases: plannedPhases('Check', cluster.clusterType),
      host: cluster.hosts[0] ?? 'master',
    },
    state,
  );
  const result = await runCheckSteps(run, cluster, desired, start.options.commander_uuid, 'phases');
  run.finishProgress();
  return JSON.stringify(result);
};
