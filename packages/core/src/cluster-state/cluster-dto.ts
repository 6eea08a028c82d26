import type {
  Cluster as ClusterDto,
  ClusterStatus as ApiClusterStatus,
} from '@commander/contracts';
import type {
  Cluster,
  ClusterOperation,
  ClusterTemplateVersion,
  HotClusterRow,
} from '@commander/db';

import type { Encryptor } from '../context.js';
import {
  decryptRendered,
  joinResources,
  readPublicRendered,
  type RenderedConfig,
} from './rendered-config.js';

export type ClusterRow = Cluster & {
  clusterTemplateVersion:
    | (Pick<ClusterTemplateVersion, 'clusterTemplateId' | 'number'> & {
        clusterTemplate: { name: string; workspaceId: string } | null;
      })
    | null;
  operations: Pick<ClusterOperation, 'id' | 'kind' | 'status' | 'progress' | 'phase'>[];
};

/**
 * What toClusterDto reads: a full row (Prisma, `CLUSTER_DTO_INCLUDE`) or a hot-query row; the
 * rendered configurations only for the detail view.
 */
export type ClusterDtoRow = HotClusterRow &
  Partial<
    Pick<
      Cluster,
      | 'desiredRenderedPublic'
      | 'appliedRenderedPublic'
      | 'desiredRenderedEncrypted'
      | 'appliedRenderedEncrypted'
    >
  >;

/** Prisma `include` that loads what toClusterDto needs. */
export const CLUSTER_DTO_INCLUDE = {
  clusterTemplateVersion: {
    select: {
      clusterTemplateId: true,
      number: true,
      clusterTemplate: { select: { name: true, workspaceId: true } },
    },
  },
  operations: {
    orderBy: { createdAt: 'desc' },
    take: 1,
    select: { id: true, kind: true, status: true, progress: true, phase: true },
  },
} as const;

export type ClusterDtoOptions = {
  /** Include the rendered configurations (detail views). */
  withRendered: boolean;
  encryptor: Encryptor;
  /**
   * The caller holds clusters:secrets:read and asked to reveal: the secret values to show and
   * the real rendered configurations. Otherwise (null/absent) secret values are null and the
   * rendered configurations are the public renders (secrets as `<secret:key>` placeholders);
   * a row without a public render has its rendered configurations withheld (null).
   */
  revealedSecrets?: Record<string, unknown> | null;
  /** Keys of secret values that are set (for `secret_values`). */
  secretKeys?: string[];
};

const text = (value: string | undefined): string | null => value ?? null;

export function toApiStatus(status: Cluster['status']): ApiClusterStatus {
  return status.toLowerCase() as ApiClusterStatus;
}

/** Maps a cluster row to the API object (an allowlist: nothing else leaves the server). */
export function toClusterDto(row: ClusterDtoRow, options: ClusterDtoOptions): ClusterDto {
  let desired: RenderedConfig | null = null;
  let applied: RenderedConfig | null = null;
  if (options.withRendered) {
    if (options.revealedSecrets) {
      desired = decryptRendered(options.encryptor, row.desiredRenderedEncrypted ?? null);
      applied = decryptRendered(options.encryptor, row.appliedRenderedEncrypted ?? null);
    } else {
      desired = readPublicRendered(row.desiredRenderedPublic ?? null);
      applied = readPublicRendered(row.appliedRenderedPublic ?? null);
    }
  }
  const secretKeys = options.secretKeys ?? [];
  // Copied only when secret values are written into it (lists have none: 100 rows a request).
  const values =
    secretKeys.length === 0
      ? (row.values as Record<string, unknown>)
      : { ...(row.values as Record<string, unknown>) };
  const secretValues: Record<string, { has_value: boolean }> = {};
  for (const key of secretKeys) {
    secretValues[key] = { has_value: true };
    values[key] = options.revealedSecrets?.[key] ?? null;
  }
  const last = row.operations[0];
  // The template's name and version number only from the cluster's own workspace.
  const version = row.clusterTemplateVersion;
  const ownTemplate =
    version?.clusterTemplate?.workspaceId === row.workspaceId ? version.clusterTemplate : null;
  const hosts =
    (row.connectionHosts as { masters?: { host: string; user: string | null }[] } | null)
      ?.masters ?? [];
  return {
    id: row.id,
    uuid: row.uuid,
    workspace_id: row.workspaceId,
    name: row.name,
    status: toApiStatus(row.status),
    values: values as ClusterDto['values'],
    secret_values: secretValues,
    cluster_template_version_id: row.clusterTemplateVersionId,
    cluster_template_id: row.clusterTemplateVersion?.clusterTemplateId ?? null,
    cluster_template_name: ownTemplate?.name ?? null,
    cluster_template_version_number: ownTemplate === null ? null : (version?.number ?? null),
    registry_id: row.registryId,
    registry_mode: row.registryMode,
    current_revision: row.currentRevision,
    was_created: row.wasCreated,
    is_locked: row.isLocked,
    cluster_type: row.clusterType,
    settings: {
      change_mode: row.changeMode === 'MANUAL' ? 'manual' : 'auto',
      check_interval: Math.max(1, Math.round(row.checkIntervalSeconds / 60)),
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    archived_at: row.archivedAt?.toISOString() ?? null,
    archive_number: row.archiveNumber === 0 ? null : row.archiveNumber,
    render_errors: (row.renderErrors as ClusterDto['render_errors']) ?? null,
    desired_cluster_configuration_rendered: text(desired?.cluster_configuration),
    desired_provider_specific_cluster_configuration_rendered: text(
      desired?.provider_specific_cluster_configuration,
    ),
    desired_resources_rendered: desired ? text(joinResources(desired)) : null,
    desired_init_configuration_rendered: text(desired?.init_configuration),
    applied_cluster_configuration_rendered: text(applied?.cluster_configuration),
    applied_provider_specific_cluster_configuration_rendered: text(
      applied?.provider_specific_cluster_configuration,
    ),
    applied_resources_rendered: applied ? text(joinResources(applied)) : null,
    cluster_configuration_checked_at: row.clusterConfigurationCheckedAt?.toISOString() ?? null,
    cluster_configuration_applied_at: row.clusterConfigurationAppliedAt?.toISOString() ?? null,
    cluster_template_version_switched_at: row.templateVersionSwitchedAt?.toISOString() ?? null,
    resources_sync_state: row.resourcesSyncState,
    resources_state_results: (row.resourcesStateResults as unknown[]) ?? [],
    agent_status: row.agentStatus,
    cluster_agent_data: (row.agentData as ClusterDto['cluster_agent_data'] | null) ?? [],
    connection_hosts: { masters: hosts },
    last_operation: last
      ? {
          id: last.id,
          kind: last.kind.toLowerCase(),
          status: last.status.toLowerCase(),
          progress: last.progress,
          phase: last.phase,
        }
      : null,
  };
}
