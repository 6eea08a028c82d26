// Simulated Converge in commander mode: the embedded check first, then nothing (InSync), an
// approval request (DestructiveOutOfSync without the matching id), or the converge phases
// that make the virtual cluster's actual configuration equal to the desired one.
import {
  type CheckResult,
  type ConvergeResult,
  type ConvergeStart,
  plannedPhases,
} from '@commander/dhctl';

import {
  type DesiredCluster,
  desiredFromRequest,
  parseConnection,
  plannedNodes,
  type VirtualCluster,
} from '../cluster-model.js';
import { OperationFailed } from '../conversation.js';
import type { PhaseLog } from '../log-lines.js';
import { OperationRun } from '../operation-run.js';
import { runCheckSteps } from './check.js';
import {
  assertCommanderUuid,
  fakeTfState,
  type OperationHandler,
  resolveCluster,
  withConfiguration,
} from './common.js';

/** Makes the cluster's actual configuration the desired one and clears injected drift. */
export function applyDesiredConfiguration(
  cluster: VirtualCluster,
  desired: DesiredCluster,
  commanderUuid: string,
): void {
  cluster.clusterConfiguration = desired.clusterConfiguration;
  cluster.providerClusterConfiguration = desired.providerClusterConfiguration;
  cluster.clusterType = desired.clusterType;
  cluster.provider = desired.provider;
  cluster.prefix = desired.prefix;
  if (commanderUuid !== '') {
    cluster.ownerCommanderUuid = commanderUuid;
  }
  cluster.drift = { destructive: false, nonDestructive: false, notes: [] };
}

/** The Converge operation. */
export const runConverge: OperationHandler<ConvergeStart> = async ({
  conversation,
  start,
  deps,
  state,
}) => {
  const isCommanderMode = start.options?.commander_mode ?? false;
  const commanderUuid = start.options?.commander_uuid ?? '';
  assertCommanderUuid(commanderUuid);
  const connection = withConfiguration(() => parseConnection(start.connection_config));
  const desired = withConfiguration(() =>
    desiredFromRequest(start.cluster_config, start.provider_specific_cluster_config),
  );
  const cluster = resolveCluster(deps, state, connection.hosts);
  if (cluster.status !== 'ready') {
    throw new OperationFailed(`cluster ${cluster.uuid} is not bootstrapped (${cluster.status})`);
  }
  state.set('uuid', Buffer.from(cluster.uuid, 'utf8'));
  const uuid = cluster.uuid;
  const update = (mutate: (c: VirtualCluster) => void): VirtualCluster => {
    const updated = deps.clusters.update(uuid, mutate);
    if (!updated) {
      throw new OperationFailed(`cluster ${uuid} disappeared during converge`);
    }
    return updated;
  };

  const phases = plannedPhases('Converge', cluster.clusterType);
  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'Converge',
      progressOperation: 'Converge',
      phases,
      host: cluster.hosts[0] ?? 'master',
    },
    state,
  );
  if (!isCommanderMode) {
    run.tracker.skip('Check');
    run.tracker.skip('DeckhouseConfiguration');
  }

  let check: CheckResult | null = null;
  if (isCommanderMode) {
    await run.boundary('Check');
    await run.phase('Check', async (log) => {
      check = await runCheckSteps(run, cluster, desired, commanderUuid, 'sub-phases', log);
    });
  }
  const checked = check as CheckResult | null;
  if (checked?.status === 'InSync') {
    run.finishProgress();
    return JSON.stringify({ status: 'InSync' } satisfies ConvergeResult);
  }
  if (
    checked?.status === 'DestructiveOutOfSync' &&
    start.approve_destruction_change_id !== checked.destructive_change_id
  ) {
    conversation.logs([
      `Destructive changes found (destructive_change_id ${checked.destructive_change_id ?? ''}): approval required`,
    ]);
    run.finishProgress();
    return JSON.stringify({
      status: 'NeedApproveForDestructiveChange',
      check_result: checked,
    } satisfies ConvergeResult);
  }

  const wanted = plannedNodes(desired, cluster.resources);
  const currentMasters = cluster.nodes.filter((n) => n.role === 'master').length;
  const wantedMasters = wanted.filter((n) => n.role === 'master').length;
  const isCloud = cluster.clusterType === 'Cloud';
  const sequence = [
    ...(isCloud ? ['BaseInfra'] : []),
    'InstallDeckhouse',
    'AllNodes',
    ...(isCloud && currentMasters === 1 && wantedMasters > 1 ? ['ScaleToMultiMaster'] : []),
    ...(isCommanderMode ? ['DeckhouseConfiguration'] : []),
  ];

  const work: Record<string, (log: PhaseLog) => void> = {
    BaseInfra: (log) => {
      log.step('Apply base infrastructure', [
        'Refreshing state...',
        'Apply complete! Resources: 0 added, 1 changed, 0 destroyed.',
      ]);
      run.setState(
        'base-infrastructure.tfstate',
        fakeTfState(['network.main', 'subnet.a', 'subnet.b']),
      );
    },
    InstallDeckhouse: (log) => {
      log.step('Check Deckhouse deployment', ['Deckhouse deployment is up to date']);
    },
    AllNodes: (log) => {
      const wantedByName = new Map(wanted.map((n) => [n.name, n]));
      const lines: string[] = [];
      const current = deps.clusters.get(uuid)?.nodes ?? [];
      for (const node of current) {
        const target = wantedByName.get(node.name);
        if (!isCloud) {
          continue;
        }
        if (!target || node.isAbandoned) {
          lines.push(`Destroy node ${node.name}`);
          state.delete(`${node.name}.tfstate`);
        } else if (target.spec !== node.spec) {
          lines.push(`Recreate node ${node.name} (instance class changed)`);
        }
      }
      for (const node of wanted) {
        if (isCloud && !current.some((n) => n.name === node.name)) {
          lines.push(`Create node ${node.name}`);
          run.setState(`${node.name}.tfstate`, fakeTfState([`compute_instance.${node.name}`]));
        }
      }
      log.step('Converge nodes', lines.length ? lines : ['All nodes are up to date']);
      update((c) => {
        if (isCloud) {
          c.nodes = wanted;
        }
        if (!isCommanderMode) {
          applyDesiredConfiguration(c, desired, commanderUuid);
        }
      });
    },
    ScaleToMultiMaster: (log) => {
      log.step('Scale control plane', [
        `Masters: ${currentMasters} → ${wantedMasters}`,
        'etcd cluster is healthy',
      ]);
    },
    DeckhouseConfiguration: (log) => {
      log.step('Update Deckhouse configuration', [
        'Update Secret "d8-cluster-configuration"',
        isCloud
          ? 'Update Secret "d8-provider-cluster-configuration"'
          : 'Update Secret "d8-static-cluster-configuration"',
        'Update ConfigMap "d8-cluster-uuid"',
        ...(commanderUuid ? ['Update ConfigMap "d8-commander-uuid"'] : []),
      ]);
      update((c) => applyDesiredConfiguration(c, desired, commanderUuid));
    },
  };

  for (const phase of sequence) {
    await run.boundary(phase, { critical: phase === 'AllNodes' || phase === 'BaseInfra' });
    await run.phase(phase, (log) => work[phase]?.(log));
  }
  await run.boundary('');
  run.finishProgress();
  return JSON.stringify({ status: 'Converged' } satisfies ConvergeResult);
};
