import type { Cluster, ClusterSettings, UpdateClusterBody } from '@commander/contracts';
import { UpdateClusterBodySchema } from '@commander/contracts';
import { type ClusterStatus, Prisma } from '@commander/db';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from '../cluster-state/cluster-dto.js';
import { assertClusterNameFree, rethrowClusterNameTaken } from '../cluster-state/cluster-name.js';
import { loadCluster, readSecretValues } from '../cluster-state/load-cluster.js';
import { lockedCluster } from '../cluster-state/lock-cluster.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import { encryptRendered, publicRenderedJson } from '../cluster-state/rendered-config.js';
import { requestConverge } from '../cluster-state/request-converge.js';
import { canTransition, FINAL_STATUSES } from '../cluster-state/status-machine.js';
import { transitionCluster } from '../cluster-state/transition.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { clusterRegistry } from '../registries/registries.js';
import { encryptSecretValues } from '../security/secret-values.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { getCluster } from './get-cluster.js';
import { getUsableVersion } from './get-usable-version.js';
import { prepareConfiguration } from './prepare-configuration.js';
import { applyRecordUsages } from './record-usages.js';
import { recordClusterRevision } from './revisions.js';
import { settingsToColumns } from './settings.js';

/** Statuses in which a new configuration cannot be accepted. */
const NOT_EDITABLE = new Set(['DELETE', 'DELETED', 'DETACHED', 'READY_TO_JOIN', 'JOINING']);

/**
 * Replaces a cluster's configuration (PUT): name, template version and the full values. A
 * configuration that renders becomes the new desired revision: a never-installed cluster's
 * install picks it up; an installed one gets a converge (auto mode) or a change request
 * (manual mode). Changes saved while an operation runs are kept and converged after it. A stale
 * `current_revision` is refused.
 * `rollbackTo` audits the change as a rollback to that revision.
 * `rejectInvalid` refuses a configuration that does not render instead of saving it in
 * configuration_error (bulk version switches).
 * @throws AppError not_found, stale_revision, invalid_state, name_taken, template_version_unavailable,
 *   invalid_values, immutable_field, not_unique, unprocessable (rejectInvalid)
 */
export async function updateCluster(
  ctx: ServiceContext,
  id: string,
  body: UpdateClusterBody,
  options: { rejectInvalid?: boolean; rollbackTo?: number } = {},
): Promise<Cluster> {
  const input = UpdateClusterBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const existing = await loadCluster(ctx, id);
  if (NOT_EDITABLE.has(existing.status)) {
    throw new AppError(
      'invalid_state',
      `A cluster in status ${existing.status.toLowerCase()} cannot be changed`,
    );
  }
  if (input.current_revision !== undefined && input.current_revision !== existing.currentRevision) {
    throw new AppError(
      'stale_revision',
      'The cluster was changed by someone else; reload it and apply your change again',
      {
        current_revision: existing.currentRevision,
      },
    );
  }
  // Omitted registry fields keep the cluster's; a mode alone applies to the current registry.
  const registryId = input.registry_id !== undefined ? input.registry_id : existing.registryId;
  const registry = await clusterRegistry(
    ctx,
    registryId,
    input.registry_mode !== undefined
      ? input.registry_mode
      : input.registry_id === undefined
        ? existing.registryMode === 'Unmanaged'
          ? 'Unmanaged'
          : null
        : null,
  );
  // The registry is installation-time configuration (InitConfiguration): changing it re-renders
  // a cluster not yet installed; an installed cluster keeps the registry it was installed from.
  const registryChanged =
    !existing.wasCreated &&
    ((registryId ?? null) !== existing.registryId || registry.mode !== existing.registryMode);
  const switching = input.cluster_template_version_id !== existing.clusterTemplateVersionId;
  const version = await getUsableVersion(ctx, input.cluster_template_version_id, {
    allowUnavailable: !switching,
  });
  if (input.name !== existing.name) {
    await assertClusterNameFree(ctx, workspace.id, input.name, { exceptId: id });
  }
  const sshPrivateKey = existing.sshPrivateKeyEncrypted
    ? ctx.encryptor.decrypt(existing.sshPrivateKeyEncrypted)
    : '';
  const oldValues = existing.values as Record<string, unknown>;
  const oldSecrets = readSecretValues(ctx, existing.secretValuesEncrypted);
  const prepared = await prepareConfiguration(ctx, {
    version,
    values: input.values,
    clusterId: existing.id,
    clusterUuid: existing.uuid,
    sshPublicKey: existing.sshPublicKey ?? '',
    sshPrivateKey,
    registry: registry.registry,
    // Switching templates starts a new lifecycle for the parameters: immutability is per form.
    previous:
      switching && version.clusterTemplateId !== existing.clusterTemplateVersion?.clusterTemplateId
        ? { publicValues: {}, secretValues: oldSecrets }
        : { publicValues: oldValues, secretValues: oldSecrets },
  });
  const isValid = prepared.errors.length === 0 && prepared.rendered !== null;
  if (!isValid && options.rejectInvalid) {
    throw new AppError(
      'unprocessable',
      'The configuration does not render with this template version',
      prepared.publicErrors,
    );
  }
  const configChanged =
    switching ||
    JSON.stringify(oldValues) !== JSON.stringify(prepared.publicValues) ||
    JSON.stringify(oldSecrets) !== JSON.stringify(prepared.secretValues) ||
    registryChanged ||
    existing.renderErrors !== null;

  try {
    await ctx.db.$transaction(async (tx) => {
      const fresh = await lockedCluster(tx, id);
      if (fresh.currentRevision !== existing.currentRevision) {
        throw new AppError(
          'stale_revision',
          'The cluster was changed meanwhile; reload it and apply your change again',
          {
            current_revision: fresh.currentRevision,
          },
        );
      }
      const now = new Date();
      const data: Prisma.ClusterUncheckedUpdateInput = {
        name: input.name,
        currentRevision: { increment: 1 },
        registryId: registryId ?? null,
        registryMode: registry.mode,
        ...settingsToColumns(input.settings),
      };
      if (configChanged) {
        Object.assign(data, {
          clusterTemplateVersionId: version.id,
          values: prepared.publicValues as Prisma.InputJsonValue,
          secretValuesEncrypted: encryptSecretValues(ctx.encryptor, prepared.secretValues),
          connectionHosts: prepared.connectionHosts,
          clusterConfigurationUpdatedAt: now,
          ...(switching ? { templateVersionSwitchedAt: now } : {}),
        });
        if (isValid) {
          Object.assign(data, {
            desiredRevision: fresh.desiredRevision + 1,
            desiredRenderedEncrypted: encryptRendered(ctx.encryptor, prepared.rendered!),
            desiredRenderedPublic: publicRenderedJson(prepared.publicRendered!),
            renderErrors: Prisma.DbNull,
            clusterType: prepared.clusterType ?? fresh.clusterType,
          });
        } else {
          data.renderErrors = prepared.publicErrors;
        }
      }
      await tx.cluster.update({ where: { id }, data });
      if (configChanged) {
        await applyRecordUsages(tx, id, prepared.recordUsages);
        if (isValid) {
          await recordClusterRevision(tx, {
            clusterId: id,
            revision: fresh.desiredRevision + 1,
            clusterTemplateVersionId: version.id,
            values: prepared.publicValues,
            secretValuesEncrypted: (data.secretValuesEncrypted as string | null) ?? null,
          });
        }
      }
      await recordAudit(tx, ctx, {
        action: options.rollbackTo !== undefined ? 'rollback' : 'update',
        auditableType: 'Cluster',
        auditableId: id,
        changes: {
          ...diffChanges(
            {
              name: fresh.name,
              cluster_template_version_id: fresh.clusterTemplateVersionId,
              values: oldValues,
            },
            {
              name: input.name,
              cluster_template_version_id: version.id,
              values: prepared.publicValues,
            },
          ),
          ...(options.rollbackTo !== undefined
            ? { rolled_back_to_revision: options.rollbackTo }
            : {}),
        },
      });
      if (configChanged) {
        await afterConfigurationChange(
          tx,
          ctx,
          {
            ...fresh,
            desiredRevision: isValid ? fresh.desiredRevision + 1 : fresh.desiredRevision,
          },
          isValid,
        );
      }
      await notifyChange(tx, {
        type: 'cluster',
        id,
        workspace_id: workspace.id,
        cluster_id: id,
        action: 'update',
      });
    });
  } catch (error) {
    rethrowClusterNameTaken(error, input.name);
  }
  return getCluster(ctx, id);
}

/** What a saved configuration change sets in motion. */
async function afterConfigurationChange(
  tx: Prisma.TransactionClient,
  ctx: ServiceContext,
  cluster: {
    id: string;
    workspaceId: string;
    status: ClusterStatus;
    wasCreated: boolean;
    changeMode: 'AUTO' | 'MANUAL';
    desiredRevision: number;
  },
  isValid: boolean,
): Promise<void> {
  if (!isValid) {
    if (canTransition(cluster.status, 'render_failed')) {
      await transitionCluster(tx, ctx, cluster, 'render_failed');
    }
    return;
  }
  if (!cluster.wasCreated) {
    // Not installed yet: a queued install applies the latest revision; a failed or
    // misconfigured one is queued again.
    if (cluster.status === 'CONFIGURATION_ERROR' || cluster.status === 'CREATION_FAILED') {
      await transitionCluster(tx, ctx, cluster, 'install_queued');
      await queueOperation(tx, ctx, {
        clusterId: cluster.id,
        workspaceId: cluster.workspaceId,
        kind: 'INSTALL',
        desiredRevision: cluster.desiredRevision,
      });
    }
    return;
  }
  if (cluster.status === 'CHANGING') {
    // The running converge finishes first; its completion converges this revision next.
    return;
  }
  await requestConverge(tx, ctx, cluster);
}

/**
 * Changes a cluster's processing settings (change mode, check interval). Switching manual →
 * auto releases a pending (non-destructive) change to converge.
 */
export async function updateClusterSettings(
  ctx: ServiceContext,
  id: string,
  settings: Partial<ClusterSettings>,
): Promise<Cluster> {
  const workspace = requireWorkspace(ctx);
  const existing = await loadCluster(ctx, id);
  if (FINAL_STATUSES.has(existing.status)) {
    throw new AppError('invalid_state', 'An archived cluster has no settings to change');
  }
  await ctx.db.$transaction(async (tx) => {
    const columns = settingsToColumns(settings);
    const now = new Date();
    const fresh = await tx.cluster.update({
      where: { id },
      data: {
        ...columns,
        currentRevision: { increment: 1 },
        ...(columns.checkIntervalSeconds && existing.wasCreated
          ? { nextCheckAt: new Date(now.getTime() + columns.checkIntervalSeconds * 1000) }
          : {}),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'ClusterSettings',
      auditableId: id,
      changes: diffChanges(
        {
          change_mode: existing.changeMode.toLowerCase(),
          check_interval: existing.checkIntervalSeconds / 60,
        },
        {
          change_mode: fresh.changeMode.toLowerCase(),
          check_interval: fresh.checkIntervalSeconds / 60,
        },
      ),
    });
    if (
      existing.changeMode === 'MANUAL' &&
      fresh.changeMode === 'AUTO' &&
      fresh.status === 'PENDING_CHANGES'
    ) {
      await tx.changeRequest.updateMany({
        where: { clusterId: id, status: 'PENDING', destructive: false },
        data: { status: 'SUPERSEDED' },
      });
      await transitionCluster(tx, ctx, fresh, 'change_queued');
      await queueOperation(tx, ctx, {
        clusterId: id,
        workspaceId: workspace.id,
        kind: 'UPDATE',
        desiredRevision: fresh.desiredRevision,
      });
    }
    await notifyChange(tx, {
      type: 'cluster',
      id,
      workspace_id: workspace.id,
      cluster_id: id,
      action: 'settings',
    });
  });
  const row = await ctx.db.cluster.findUniqueOrThrow({
    where: { id },
    include: CLUSTER_DTO_INCLUDE,
  });
  return toClusterDto(row, { withRendered: false, encryptor: ctx.encryptor });
}
