import { createHash } from 'node:crypto';

// Simulated Bootstrap: the current dhctl phase list, creating a virtual cluster from the
// request's documents. A bootstrap given the state of a failed attempt resumes after the
// phases that state records as done (`bootstrap-completed-phases`).
import { BOOTSTRAP_PHASES, type BootstrapStart, plannedPhases } from '@commander/dhctl';

import {
  clusterIdFromCommanderUrl,
  commanderUrlOf,
  desiredFromRequest,
  parseConnection,
  plannedNodes,
  type VirtualCluster,
  type VirtualNode,
  type VirtualRegistry,
} from '../cluster-model.js';
import { OperationFailed } from '../conversation.js';
import { kindOf, type KubeDocument, nameOf, parseDocuments, resourceKey } from '../documents.js';
import type { PhaseLog } from '../log-lines.js';
import { OperationRun } from '../operation-run.js';
import {
  assertCommanderUuid,
  fakeTfState,
  newUuid,
  type OperationHandler,
  stateUuid,
  withConfiguration,
} from './common.js';

/** State key listing the bootstrap phases completed so far (simulator-specific). */
export const COMPLETED_PHASES_KEY = 'bootstrap-completed-phases';

const CRITICAL_PHASES = new Set(['PreInfraPreflights', 'InstallAdditionalMastersAndStaticNodes']);

/** Merges documents into a resource list, replacing same kind/name. */
export function applyResources(
  current: readonly KubeDocument[],
  added: readonly KubeDocument[],
): KubeDocument[] {
  const result = [...current];
  for (const document of added) {
    const index = result.findIndex((existing) => resourceKey(existing) === resourceKey(document));
    if (index === -1) {
      result.push(document);
    } else {
      result[index] = document;
    }
  }
  return result;
}

function randomOctet(): number {
  return 1 + Math.floor(Math.random() * 250);
}

function readCompleted(state: Map<string, Buffer>): Set<string> {
  const raw = state.get(COMPLETED_PHASES_KEY)?.toString('utf8');
  if (!raw) {
    return new Set();
  }
  try {
    const parsed = JSON.parse(raw) as unknown;
    return new Set(
      Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [],
    );
  } catch {
    return new Set();
  }
}

/** The Bootstrap operation. */
export const runBootstrap: OperationHandler<BootstrapStart> = async ({
  conversation,
  start,
  deps,
  state,
}) => {
  const commanderUuid = start.options?.commander_uuid ?? '';
  assertCommanderUuid(commanderUuid);
  const connection = withConfiguration(() => parseConnection(start.connection_config));
  const desired = withConfiguration(() =>
    desiredFromRequest(start.cluster_config, start.provider_specific_cluster_config),
  );
  const initResources = withConfiguration(() => parseDocuments(start.init_resources));
  const resources = withConfiguration(() => parseDocuments(start.resources));
  const registry = registryOf(withConfiguration(() => parseDocuments(start.init_config)));
  if (desired.clusterType === 'Static' && connection.hosts.length === 0) {
    throw new OperationFailed(
      'config validation failed: at least one "SSHHost" is required to bootstrap a Static cluster',
    );
  }
  const isStatic = desired.clusterType === 'Static';

  const commanderUrl = commanderUrlOf([...initResources, ...resources]);
  const uuid = stateUuid(state) ?? clusterIdFromCommanderUrl(commanderUrl) ?? newUuid();
  state.set('uuid', Buffer.from(uuid, 'utf8'));

  const existing = deps.clusters.get(uuid);
  if (existing && existing.status !== 'bootstrap_failed') {
    throw new OperationFailed(
      `cluster ${uuid} is ${existing.status === 'ready' ? 'already bootstrapped' : `busy (${existing.status})`}`,
    );
  }
  const now = new Date().toISOString();
  if (existing) {
    deps.clusters.update(uuid, (cluster) => {
      cluster.status = 'bootstrapping';
      cluster.registry = registry.summary;
    });
  } else {
    deps.clusters.create({
      uuid,
      status: 'bootstrapping',
      ownerCommanderUuid: null,
      commanderUrl: null,
      clusterType: desired.clusterType,
      provider: desired.provider,
      prefix: desired.prefix,
      clusterConfiguration: desired.clusterConfiguration,
      providerClusterConfiguration: desired.providerClusterConfiguration,
      hosts: isStatic ? connection.hosts.slice(0, 1) : [],
      sshUser: connection.sshUser,
      nodes: [],
      resources: [],
      completedBootstrapPhases: [],
      drift: { destructive: false, nonDestructive: false, notes: [] },
      registry: registry.summary,
      createdAt: now,
      updatedAt: now,
    });
  }
  const update = (mutate: (cluster: VirtualCluster) => void): VirtualCluster => {
    const updated = deps.clusters.update(uuid, mutate);
    if (!updated) {
      throw new OperationFailed(`cluster ${uuid} disappeared during bootstrap`);
    }
    return updated;
  };
  const host = (): string => deps.clusters.get(uuid)?.hosts[0] ?? connection.hosts[0] ?? '';
  const wantedNodes = plannedNodes(desired, [...initResources, ...resources]);
  const addNodes = (nodes: readonly VirtualNode[]) =>
    update((cluster) => {
      const names = new Set(cluster.nodes.map((n) => n.name));
      cluster.nodes.push(...nodes.filter((n) => !names.has(n.name)));
    });

  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'Bootstrap',
      progressOperation: 'Bootstrap',
      phases: plannedPhases('Bootstrap', desired.clusterType),
      host: host() || 'master',
    },
    state,
  );
  const prefix = desired.prefix ?? 'cloud';
  const masters = wantedNodes.filter((n) => n.role === 'master');
  const workers = wantedNodes.filter((n) => n.role === 'worker');

  const work: Record<string, (log: PhaseLog) => Promise<void> | void> = {
    PreInfraPreflights: (log) => {
      if (isStatic) {
        log.step('Preparing SSH client', [`Connecting to ${host()}:22`, 'SSH client connected']);
      } else {
        log.step(`Check ${desired.provider ?? 'cloud'} API access`, ['Cloud API is accessible']);
      }
      log.step('Check Deckhouse edition and version', [
        'Deckhouse edition: CE',
        `dhctl ${deps.version}`,
      ]);
      // Like dhctl at debug level, the simulator echoes the registry settings it got (the
      // credentials included): Commander must mask them in the operation log.
      log.step('Check registry credentials', [
        `Registry: ${registry.summary?.imagesRepo ?? 'registry.deckhouse.io/deckhouse/ce'} (${registry.summary?.scheme ?? 'HTTPS'})`,
        ...(registry.dockerCfg ? [`registryDockerCfg: ${registry.dockerCfg}`] : []),
        'Registry credentials are valid',
      ]);
      log.step('Check that cluster prefix and name are free', [`cluster uuid ${uuid}`]);
    },
    BaseInfra: async (log) => {
      if (isStatic) {
        log.lines('Static cluster: no base infrastructure to create, skipping');
        return;
      }
      await run.subPhase('BaseInfra', log, [
        'module.vpc_components.network: Creating...',
        'module.vpc_components.subnet: Creating...',
        'module.vpc_components.nat_gateway: Creation complete after 4s',
        'Apply complete! Resources: 6 added, 0 changed, 0 destroyed.',
      ]);
      run.setState(
        'base-infrastructure.tfstate',
        fakeTfState([
          'network.main',
          'subnet.a',
          'subnet.b',
          'nat_gateway.main',
          'route_table.main',
        ]),
      );
      const ip = `10.${randomOctet()}.${randomOctet()}.10`;
      await run.subPhase('FirstMaster', log, [
        `${prefix}-master-0: Creating...`,
        `${prefix}-master-0: Creation complete after 41s`,
        `Master node IP: ${ip}`,
      ]);
      run.setState(
        `${prefix}-master-0.tfstate`,
        fakeTfState([`compute_instance.${prefix}-master-0`]),
      );
      update((cluster) => {
        cluster.hosts = [ip];
      });
      const [firstMaster] = masters;
      if (firstMaster) {
        addNodes([firstMaster]);
      }
    },
    PostInfraPreflights: (log) => {
      log.step('Preparing SSH client', [
        `Connecting to ${host()}:22`,
        `SSH client connected as ${connection.sshUser}`,
      ]);
      log.step('Check that Python is installed', ['python3 found']);
      log.step('Check localhost domain resolution', ['localhost resolves to 127.0.0.1']);
      log.step('Check registry access through proxy', ['registry.deckhouse.io is accessible']);
    },
    InstallKubernetes: async (log) => {
      await run.subPhase('BashibleBundlePrepartion', log, ['Render bashible bundle templates']);
      await run.subPhase('RegistryPackagesProxy', log, [
        'Starting registry packages proxy',
        'Registry packages proxy listens on 127.0.0.1:5444',
      ]);
      await run.subPhase('NodePreparation', log, [`Upload bundle to ${host()}`, 'Bundle uploaded']);
      await run.subPhase('ExecuteBashibleBundle', log, [
        'Run step 001_create_systemd_units.sh',
        'Run step 032_configure_containerd.sh',
        'Run step 051_kubelet.sh',
        'Run step 083_kubernetes_api_proxy_configure.sh',
        'Bashible bundle executed successfully',
      ]);
      run.setState('cluster-hosts', { [masters[0]?.name ?? 'master-0']: host() });
      if (isStatic) {
        const [firstMaster] = masters;
        if (firstMaster) {
          addNodes([firstMaster]);
        }
      }
    },
    InstallDeckhouse: async (log) => {
      await run.subPhase('ConnectToMaster', log, [
        `Connecting to ${host()}:22`,
        'Starting kube-proxy tunnel to the API server',
      ]);
      await run.subPhase('InstallDeckhouse', log, [
        'Create Namespace "d8-system"',
        'Create Secret "d8-cluster-configuration"',
        'Create ConfigMap "d8-cluster-uuid"',
        ...(commanderUuid ? ['Create ConfigMap "d8-commander-uuid"'] : []),
        ...initResources.map((d) => `Create ${kindOf(d)} "${nameOf(d)}"`),
        'Create Deployment "deckhouse"',
      ]);
      update((cluster) => {
        cluster.clusterConfiguration = desired.clusterConfiguration;
        cluster.providerClusterConfiguration = desired.providerClusterConfiguration;
        cluster.ownerCommanderUuid = commanderUuid || null;
        cluster.resources = applyResources(cluster.resources, initResources);
        cluster.commanderUrl = commanderUrlOf(cluster.resources) ?? cluster.commanderUrl;
      });
      await run.subPhase('WaitForFirstMasterReady', log, [
        'Waiting for Deckhouse to become Ready',
        'Deckhouse pod is Ready',
        `Node ${masters[0]?.name ?? 'master-0'} is Ready`,
      ]);
    },
    InstallAdditionalMastersAndStaticNodes: async (log) => {
      const additional = masters.slice(1);
      await run.subPhase(
        'AdditionalMasters',
        log,
        additional.length
          ? additional.map((n) => `${n.name}: Creation complete`)
          : ['Single-master cluster: no additional masters'],
      );
      for (const node of additional) {
        run.setState(`${node.name}.tfstate`, fakeTfState([`compute_instance.${node.name}`]));
      }
      addNodes(additional);
      await run.subPhase(
        'StaticNodes',
        log,
        workers.length
          ? workers.map((n) => `${n.name}: Creation complete`)
          : ['No permanent nodes'],
      );
      for (const node of workers) {
        run.setState(`${node.name}.tfstate`, fakeTfState([`compute_instance.${node.name}`]));
      }
      addNodes(workers);
      await run.subPhase('WaitForControlPlaneManagerReadiness', log, [
        'control-plane-manager is Ready on all masters',
      ]);
    },
    CreateResources: (log) => {
      log.step(
        'Create resources',
        resources.length
          ? resources.map((d) => `Create ${kindOf(d)} "${nameOf(d)}"`)
          : ['No resources to create'],
      );
      update((cluster) => {
        cluster.resources = applyResources(cluster.resources, resources);
        cluster.commanderUrl = commanderUrlOf(cluster.resources) ?? cluster.commanderUrl;
      });
      if (isStatic) {
        addNodes(workers);
      }
    },
    ExecPostBootstrap: (log) => {
      if (start.post_bootstrap_script.trim() === '') {
        log.lines('Post-bootstrap script is not set, skipping');
        return;
      }
      log.step('Execute post-bootstrap script', [
        `Upload script to ${host()}`,
        'Script finished: exit code 0',
      ]);
      run.setState('post-bootstrap-result', 'ok');
    },
    Finalization: (log) => {
      log.step('Save infrastructure state and manifests in the cluster', [
        'Create Secret "d8-cluster-terraform-state"',
      ]);
      run.setState('tf-state-and-manifests-in-cluster', 'yes');
      log.lines('Deckhouse cluster was created successfully!');
    },
  };

  const completed = readCompleted(state);
  for (const phase of completed) {
    run.markDone(phase);
  }
  const sequence = BOOTSTRAP_PHASES.map((p) => p.phase).filter(
    (phase) =>
      !completed.has(phase) && !(isStatic && phase === 'InstallAdditionalMastersAndStaticNodes'),
  );
  if (completed.size > 0) {
    conversation.logs([`Resuming bootstrap after ${[...completed].join(', ')}`]);
  }
  try {
    for (const phase of sequence) {
      await run.boundary(phase, { critical: CRITICAL_PHASES.has(phase) });
      const doWork = work[phase];
      // Upstream sends a phase end for BaseInfra on Static clusters but reports it as skipped.
      await run.phase(phase, (log) => doWork?.(log), {
        reportProgress: !(isStatic && phase === 'BaseInfra'),
      });
      completed.add(phase);
      run.setState(COMPLETED_PHASES_KEY, [...completed]);
      update((cluster) => {
        cluster.completedBootstrapPhases = [...completed];
      });
    }
    await run.boundary('');
    run.finishProgress();
    update((cluster) => {
      cluster.status = 'ready';
    });
    return null;
  } catch (error) {
    deps.clusters.update(uuid, (cluster) => {
      cluster.status = 'bootstrap_failed';
    });
    throw error;
  }
};

/** The registry settings of a bootstrap's InitConfiguration. */
function registryOf(docs: KubeDocument[]): {
  summary: VirtualRegistry | null;
  dockerCfg: string | null;
} {
  const init = docs.find((d) => kindOf(d) === 'InitConfiguration');
  const deckhouse = (init as { deckhouse?: Record<string, unknown> } | undefined)?.deckhouse;
  if (!deckhouse || typeof deckhouse !== 'object') {
    return { summary: null, dockerCfg: null };
  }
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const dockerCfg = str(deckhouse.registryDockerCfg);
  return {
    dockerCfg,
    summary: {
      imagesRepo: str(deckhouse.imagesRepo),
      scheme: str(deckhouse.registryScheme),
      hasCA: str(deckhouse.registryCA) !== null,
      dockerCfgSha256: dockerCfg ? createHash('sha256').update(dockerCfg).digest('hex') : null,
    },
  };
}
