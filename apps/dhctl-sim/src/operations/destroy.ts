// Simulated Destroy (removes a virtual cluster) and Abort (cleans up after a failed
// bootstrap; progress reports operation "Destroy").
import {
  type AbortStart,
  DESTROY_PHASE_ENDS_CLOUD,
  DESTROY_PHASE_ENDS_STATIC,
  type DestroyStart,
  plannedPhases,
} from '@commander/dhctl';

import { assertOwner } from '../checker.js';
import { parseConnection, type VirtualCluster } from '../cluster-model.js';
import { OperationFailed } from '../conversation.js';
import type { PhaseLog } from '../log-lines.js';
import { OperationRun } from '../operation-run.js';
import {
  assertCommanderUuid,
  type OperationHandler,
  resolveCluster,
  stateUuid,
  withConfiguration,
} from './common.js';

/** Destroy phases that appear in the progress list; the rest only send phase ends. */
const PROGRESS_PHASES = new Set(['DeleteResources', 'AllNodes', 'BaseInfra']);

function nodeStateKeys(cluster: VirtualCluster): string[] {
  return cluster.nodes.map((node) => `${node.name}.tfstate`);
}

/** The Destroy operation. */
export const runDestroy: OperationHandler<DestroyStart> = async ({
  conversation,
  start,
  deps,
  state,
}) => {
  const commanderUuid = start.options?.commander_uuid ?? '';
  assertCommanderUuid(commanderUuid);
  const connection = withConfiguration(() => parseConnection(start.connection_config));
  const cluster = resolveCluster(deps, state, connection.hosts);
  state.set('uuid', Buffer.from(cluster.uuid, 'utf8'));
  const uuid = cluster.uuid;
  const isStatic = cluster.clusterType === 'Static';
  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'Destroy',
      progressOperation: 'Destroy',
      phases: plannedPhases('Destroy', cluster.clusterType),
      host: cluster.hosts[0] ?? 'master',
    },
    state,
  );
  deps.clusters.update(uuid, (c) => {
    c.status = 'destroying';
  });

  const work: Record<string, (log: PhaseLog) => void> = {
    CommanderUUIDWasChecked: (log) => {
      log.step('Check commander UUID', ['Get ConfigMap "d8-commander-uuid"']);
      assertOwner(cluster, commanderUuid);
      run.setState('commander-uuid-checked', 'true');
    },
    DeleteResources: (log) => {
      log.step('Delete resources', [
        'Delete all Services with type LoadBalancer',
        'Delete all PersistentVolumeClaims',
        `Deleted ${cluster.resources.length} applied resources`,
      ]);
      deps.clusters.update(uuid, (c) => {
        c.resources = [];
        c.commanderUrl = null;
      });
      run.setState('resources-were-deleted', 'true');
    },
    SetDeckhouseResourcesDelete: (log) => {
      log.step('Disable Deckhouse', ['Scale Deployment "deckhouse" to 0 replicas']);
    },
    CreateStaticDestroyerNodeUser: (log) => {
      log.step('Create NodeUser "d8-dhctl-destroyer"');
      run.setState('node-user', JSON.stringify({ name: 'd8-dhctl-destroyer' }));
    },
    UpdateStaticDestroyerIPs: (log) => {
      log.step(
        'Update static nodes IP addresses',
        cluster.hosts.map((h) => `Node IP ${h}`),
      );
    },
    WaitStaticDestroyerNodeUser: (log) => {
      log.step('Wait for NodeUser on all nodes', ['NodeUser exists on all nodes']);
      run.setState('node-user-exists', 'true');
    },
    AllNodes: (log) => {
      log.step(
        isStatic ? 'Cleanup static nodes' : 'Destroy nodes',
        cluster.nodes.map((n) => (isStatic ? `Cleanup node ${n.name}` : `Destroy node ${n.name}`)),
      );
      for (const key of nodeStateKeys(cluster)) {
        state.delete(key);
      }
      if (isStatic) {
        deps.clusters.remove(uuid);
      } else {
        deps.clusters.update(uuid, (c) => {
          c.nodes = [];
        });
      }
    },
    BaseInfra: (log) => {
      log.step('Destroy base infrastructure', ['Destroy complete! Resources: 6 destroyed.']);
      state.delete('base-infrastructure.tfstate');
      deps.clusters.remove(uuid);
    },
  };

  try {
    for (const phase of isStatic ? DESTROY_PHASE_ENDS_STATIC : DESTROY_PHASE_ENDS_CLOUD) {
      await run.boundary(phase, { critical: phase === 'AllNodes' });
      await run.phase(phase, (log) => work[phase]?.(log), {
        reportProgress: PROGRESS_PHASES.has(phase),
      });
    }
  } catch (error) {
    deps.clusters.update(uuid, (c) => {
      c.status = 'ready';
    });
    throw error;
  }
  await run.boundary('');
  run.finishProgress();
  return null;
};

/** The Abort operation: removes what a failed bootstrap left behind. */
export const runAbort: OperationHandler<AbortStart> = async ({
  conversation,
  start,
  deps,
  state,
}) => {
  const commanderUuid = start.options?.commander_uuid ?? '';
  assertCommanderUuid(commanderUuid);
  const uuid = stateUuid(state);
  const cluster = uuid ? deps.clusters.get(uuid) : null;
  if (cluster?.status === 'ready') {
    throw new OperationFailed(
      `bootstrap of cluster ${cluster.uuid} has completed: abort is not possible, use destroy`,
    );
  }
  if (cluster) {
    assertOwner(cluster, commanderUuid);
  }
  const clusterType = cluster?.clusterType ?? 'Static';
  const isStatic = clusterType === 'Static';
  const phases = plannedPhases('Destroy', clusterType);
  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'Abort',
      progressOperation: 'Destroy',
      phases,
      host: cluster?.hosts[0] ?? 'master',
    },
    state,
  );
  run.tracker.skip('DeleteResources');
  if (!cluster) {
    conversation.logs(['Nothing to clean up: the bootstrap created no resources']);
  }

  await run.boundary('AllNodes', { critical: true });
  await run.phase('AllNodes', (log) => {
    log.step(
      isStatic ? 'Cleanup static nodes' : 'Destroy nodes',
      (cluster?.nodes ?? []).map((n) => `Remove node ${n.name}`),
    );
    for (const key of cluster ? nodeStateKeys(cluster) : []) {
      state.delete(key);
    }
    if (cluster && isStatic) {
      deps.clusters.remove(cluster.uuid);
    }
  });
  if (!isStatic) {
    await run.boundary('BaseInfra');
    await run.phase('BaseInfra', (log) => {
      log.step('Destroy base infrastructure', ['Destroy complete!']);
      state.delete('base-infrastructure.tfstate');
      if (cluster) {
        deps.clusters.remove(cluster.uuid);
      }
    });
  }
  await run.boundary('');
  run.finishProgress();
  // Nothing the failed bootstrap made is left; only the uuid stays, as a record.
  for (const key of [...state.keys()]) {
    if (key !== 'uuid') {
      state.delete(key);
    }
  }
  return null;
};
