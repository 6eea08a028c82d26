// Simulated CommanderAttach (Scan, Capture, Check) and CommanderDetach (Check, Detach) of a
// pre-existing virtual cluster, found by the SSHHost of the connection config.
import { generateKeyPairSync } from 'node:crypto';

import {
  type CheckResult,
  type CommanderAttachResult,
  type CommanderAttachStart,
  type CommanderDetachStart,
  fromProtoStruct,
  plannedPhases,
  type ScanResult,
} from '@commander/dhctl';

import { assertOwner, desiredFromCluster } from '../checker.js';
import {
  commanderUrlOf,
  desiredFromRequest,
  parseConnection,
  type VirtualCluster,
} from '../cluster-model.js';
import { OperationFailed } from '../conversation.js';
import {
  kindOf,
  type KubeDocument,
  nameOf,
  parseDocuments,
  renderSimpleTemplate,
  resourceKey,
  stringifyDocuments,
} from '../documents.js';
import { OperationRun } from '../operation-run.js';
import { applyResources } from './bootstrap.js';
import { runCheckSteps } from './check.js';
import {
  assertCommanderUuid,
  type OperationHandler,
  resolveCluster,
  withConfiguration,
} from './common.js';

/** A fresh ed25519 key pair: PKCS#8 PEM private key, OpenSSH public key. */
function sshKeyPair(comment: string): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const length = (n: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(n);
    return buffer;
  };
  const blob = Buffer.concat([length(type.length), type, length(raw.length), raw]);
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
  };
}

function renderDocuments(
  template: string,
  values: Record<string, unknown>,
  field: string,
): KubeDocument[] {
  return withConfiguration(() => {
    try {
      return parseDocuments(renderSimpleTemplate(template, values));
    } catch (error) {
      throw new OperationFailed(`${field}: ${(error as Error).message}`);
    }
  });
}

/** The CommanderAttach operation. */
export const runCommanderAttach: OperationHandler<CommanderAttachStart> = async ({
  conversation,
  start,
  deps,
  state,
}) => {
  const commanderUuid = start.options?.commander_uuid ?? '';
  assertCommanderUuid(commanderUuid);
  const connection = withConfiguration(() => parseConnection(start.connection_config));
  const [host] = connection.hosts;
  if (!host) {
    throw new OperationFailed('config validation failed: at least one "SSHHost" is required');
  }
  const found = deps.clusters.findByHost(host);
  if (!found) {
    throw new OperationFailed(
      `cannot connect to ${host}:22: no route to host (no virtual cluster has this host)`,
    );
  }
  const uuid = found.uuid;
  state.set('uuid', Buffer.from(uuid, 'utf8'));
  const current = (): VirtualCluster => {
    const cluster = deps.clusters.get(uuid);
    if (!cluster) {
      throw new OperationFailed(`cluster ${uuid} disappeared during attach`);
    }
    return cluster;
  };
  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'CommanderAttach',
      progressOperation: 'CommanderAttach',
      phases: plannedPhases('CommanderAttach', found.clusterType),
      host,
    },
    state,
  );

  let scan: ScanResult | null = null;
  await run.boundary('Scan');
  await run.phase('Scan', (log) => {
    log.step('Preparing SSH client', [
      `Connecting to ${host}:22`,
      `SSH client connected as ${connection.sshUser}`,
    ]);
    const cluster = current();
    log.step('Get cluster configuration', [
      'Get Secret "d8-cluster-configuration"',
      cluster.clusterType === 'Cloud'
        ? 'Get Secret "d8-provider-cluster-configuration"'
        : 'Get Secret "d8-static-cluster-configuration"',
      'Get ConfigMap "d8-commander-uuid"',
    ]);
    assertOwner(cluster, commanderUuid);
    if (cluster.status !== 'ready') {
      throw new OperationFailed(`cluster ${uuid} is not ready to be attached (${cluster.status})`);
    }
    const keys = sshKeyPair(`commander@${uuid}`);
    scan = {
      cluster_configuration: stringifyDocuments([cluster.clusterConfiguration]),
      provider_specific_cluster_configuration: cluster.providerClusterConfiguration
        ? stringifyDocuments([cluster.providerClusterConfiguration])
        : '',
      ssh_private_key: keys.privateKey,
      ssh_public_key: keys.publicKey,
    };
  });
  const scanResult = scan as ScanResult | null;
  if (!scanResult) {
    throw new OperationFailed('scan produced no result');
  }
  if (start.scan_only === true) {
    await run.boundary('', { data: JSON.stringify({ scan_result: scanResult }) });
    run.finishProgress();
    return JSON.stringify({
      status: 'Scanned',
      scan_result: scanResult,
      check_result: null,
    } satisfies CommanderAttachResult);
  }

  await run.boundary('Capture', { data: JSON.stringify({ scan_result: scanResult }) });
  await run.phase('Capture', (log) => {
    const documents = renderDocuments(
      start.resources_template,
      fromProtoStruct(start.resources_values),
      'resources_template',
    );
    log.step(
      'Create resources',
      documents.length
        ? documents.map((d) => `Create ${kindOf(d)} "${nameOf(d)}"`)
        : ['No resources'],
    );
    log.step('Set commander UUID', ['Create ConfigMap "d8-commander-uuid"']);
    deps.clusters.update(uuid, (cluster) => {
      cluster.resources = applyResources(cluster.resources, documents);
      cluster.commanderUrl = commanderUrlOf(cluster.resources) ?? cluster.commanderUrl;
      if (commanderUuid !== '') {
        cluster.ownerCommanderUuid = commanderUuid;
      }
    });
  });

  let check: CheckResult | null = null;
  await run.boundary('Check');
  await run.phase('Check', async (log) => {
    const cluster = current();
    check = await runCheckSteps(
      run,
      cluster,
      desiredFromCluster(cluster),
      commanderUuid,
      'sub-phases',
      log,
    );
  });
  const checkResult = check as CheckResult | null;
  await run.boundary('', {
    data: JSON.stringify({ scan_result: scanResult, check_result: checkResult }),
  });
  run.finishProgress();
  return JSON.stringify({
    status: 'Attached',
    scan_result: scanResult,
    check_result: checkResult,
  } satisfies CommanderAttachResult);
};

/** The CommanderDetach operation. */
export const runCommanderDetach: OperationHandler<CommanderDetachStart> = async ({
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
  const desired =
    start.cluster_config.trim() === ''
      ? desiredFromCluster(cluster)
      : withConfiguration(() =>
          desiredFromRequest(start.cluster_config, start.provider_specific_cluster_config),
        );
  const run = new OperationRun(
    conversation,
    deps,
    {
      faultOperation: 'CommanderDetach',
      progressOperation: 'CommanderDetach',
      phases: plannedPhases('CommanderDetach', cluster.clusterType),
      host: cluster.hosts[0] ?? 'master',
    },
    state,
  );
  await run.phase('Check', async (log) => {
    await runCheckSteps(run, cluster, desired, commanderUuid, 'sub-phases', log);
  });
  await run.phase('Detach', (log) => {
    const created = renderDocuments(
      start.create_resources_template,
      fromProtoStruct(start.create_resources_values),
      'create_resources_template',
    );
    const deleted = new Set(
      renderDocuments(
        start.delete_resources_template,
        fromProtoStruct(start.delete_resources_values),
        'delete_resources_template',
      ).map(resourceKey),
    );
    log.step(
      'Create resources',
      created.map((d) => `Create ${kindOf(d)} "${nameOf(d)}"`),
    );
    log.step(
      'Delete resources',
      [...deleted].map((key) => `Delete ${key.replace('/', ' "')}"`),
    );
    log.step('Remove commander UUID', ['Delete ConfigMap "d8-commander-uuid"']);
    deps.clusters.update(cluster.uuid, (c) => {
      c.resources = applyResources(c.resources, created).filter(
        (d) => !deleted.has(resourceKey(d)),
      );
      c.commanderUrl = commanderUrlOf(c.resources);
      c.ownerCommanderUuid = null;
    });
  });
  run.finishProgress();
  return null;
};
