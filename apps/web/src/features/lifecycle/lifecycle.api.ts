import {
  type AttachClusterBody,
  type Cluster,
  ClusterSchema,
  type ClusterSettings,
  type ClusterStatus,
  type Operation,
  OperationSchema,
  RotatedAgentKeySchema,
} from '@commander/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';
import { operationQueries } from '../operations/operations.api.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** Statuses the API accepts "check now" in (mirrors core's CHECKABLE). */
const CHECKABLE: ReadonlySet<ClusterStatus> = new Set([
  'in_sync',
  'out_of_sync',
  'pending_changes',
  'destructive_changes',
  'synchronization_failure',
  'unknown',
]);

/** Statuses a cluster can be detached from (mirrors core's DETACHABLE). */
const DETACHABLE: ReadonlySet<ClusterStatus> = CHECKABLE;

/** Failed statuses whose operation a retry repeats. */
const FAILED: ReadonlySet<ClusterStatus> = new Set([
  'creation_failed',
  'synchronization_failure',
  'deletion_failed',
]);

const ARCHIVED: ReadonlySet<ClusterStatus> = new Set(['deleted', 'detached']);

/** Whether "Check now" makes sense for the cluster (installed, managed, not busy). */
export function canCheckNow(cluster: Cluster): boolean {
  return cluster.was_created && CHECKABLE.has(cluster.status);
}

/** Whether the cluster can be detached. */
export function canDetach(cluster: Cluster): boolean {
  return cluster.was_created && DETACHABLE.has(cluster.status);
}

/**
 * Whether "Retry" applies: the cluster failed (creation, change or deletion error) or its last
 * operation failed or was cancelled, and nothing is queued or running now.
 */
export function canRetry(cluster: Cluster): boolean {
  if (ARCHIVED.has(cluster.status)) {
    return false;
  }
  const last = cluster.last_operation;
  if (last && (last.status === 'queued' || last.status === 'running')) {
    return false;
  }
  return (
    FAILED.has(cluster.status) ||
    (last !== null && (last.status === 'failed' || last.status === 'cancelled'))
  );
}

/** Whether an operation can still be cancelled. */
export function canCancel(operation: Pick<Operation, 'status'>): boolean {
  return operation.status === 'queued' || operation.status === 'running';
}

/** Everything about the cluster may have changed after an action: refetch it and the lists. */
async function refreshCluster(
  queryClient: ReturnType<typeof useQueryClient>,
  slug: string,
  clusterId: string,
) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: clusterQueries.one(slug, clusterId) }),
    queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) }),
  ]);
}

/** An action that answers 202 with the queued operation (check, retry, detach, join). */
function useClusterAction(
  slug: string,
  clusterId: string,
  path: 'check' | 'retry' | 'detach' | 'join',
  messages: { success: string; failure: string },
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api.post(`/clusters/${clusterId}/${path}`, { schema: OperationSchema, workspace: slug }),
    meta: { successMessage: messages.success, errorTitle: messages.failure },
    onSuccess: async (operation: Operation) => {
      queryClient.setQueryData(
        operationQueries.detail(slug, clusterId, operation.id).queryKey,
        operation,
      );
      await refreshCluster(queryClient, slug, clusterId);
    },
  });
}

export function useCheckNow(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useClusterAction(slug, clusterId, 'check', {
    success: t('lifecycle.check.queued'),
    failure: t('lifecycle.check.failed'),
  });
}

export function useRetry(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useClusterAction(slug, clusterId, 'retry', {
    success: t('lifecycle.retry.queued'),
    failure: t('lifecycle.retry.failed'),
  });
}

export function useDetach(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useClusterAction(slug, clusterId, 'detach', {
    success: t('lifecycle.detach.queued'),
    failure: t('lifecycle.detach.failed'),
  });
}

export function useJoin(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useClusterAction(slug, clusterId, 'join', {
    success: t('lifecycle.join.queued'),
    failure: t('lifecycle.join.failed'),
  });
}

export function useCancelOperation(slug: string, clusterId: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (operationId: string) =>
      api.post(`/operations/${operationId}/cancel`, { schema: OperationSchema, workspace: slug }),
    meta: {
      successMessage: t('lifecycle.cancel.requested'),
      errorTitle: t('lifecycle.cancel.failed'),
    },
    onSuccess: async (operation: Operation) => {
      queryClient.setQueryData(
        operationQueries.detail(slug, clusterId, operation.id).queryKey,
        operation,
      );
      await refreshCluster(queryClient, slug, clusterId);
    },
  });
}

export function useUpdateClusterSettings(slug: string, clusterId: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: Partial<ClusterSettings>) =>
      api.put(`/clusters/${clusterId}/settings`, { body, schema: ClusterSchema, workspace: slug }),
    meta: {
      successMessage: t('clusterSettings.saved'),
      errorTitle: t('clusterSettings.saveFailed'),
    },
    onSuccess: async (cluster: Cluster) => {
      queryClient.setQueryData(clusterQueries.detail(slug, clusterId).queryKey, cluster);
      await queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) });
    },
  });
}

export { type RotatedAgentKey, RotatedAgentKeySchema } from '@commander/contracts';

export function useRotateAgentKey(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useMutation({
    mutationFn: () =>
      api.post(`/clusters/${clusterId}/agent_key/rotate`, {
        schema: RotatedAgentKeySchema,
        workspace: slug,
      }),
    // The page says when the old key stops working.
    meta: { errorTitle: t('clusterSettings.rotate.failed') },
  });
}

/** Moves the cluster to another workspace; it then lives under the target's slug. */
export function useMoveCluster(slug: string, clusterId: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (workspaceId: string) =>
      api.post(`/clusters/${clusterId}/move`, {
        body: { workspace_id: workspaceId },
        schema: ClusterSchema,
        workspace: slug,
      }),
    meta: {
      successMessage: t('clusterSettings.move.done'),
      errorTitle: t('clusterSettings.move.failed'),
    },
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: clusterQueries.one(slug, clusterId) });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) }),
        queryClient.invalidateQueries({ queryKey: workspaceQueries.list().queryKey }),
      ]);
    },
  });
}

/** Attaches an existing cluster: it is saved, scanned, then waits to join. */
export function useAttachCluster(slug: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: AttachClusterBody) =>
      api.post('/clusters/attach', { body, schema: ClusterSchema, workspace: slug }),
    // The form shows the error next to its field.
    meta: { notifyError: false, successMessage: t('attach.started') },
    onSuccess: async (cluster: Cluster) => {
      queryClient.setQueryData(clusterQueries.detail(slug, cluster.id).queryKey, cluster);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) }),
        queryClient.invalidateQueries({ queryKey: workspaceQueries.list().queryKey }),
      ]);
    },
  });
}

/** Whether "Archive without cleanup" applies: the deletion failed and nothing runs now. */
export function canArchiveWithoutCleanup(cluster: Cluster): boolean {
  const last = cluster.last_operation;
  return cluster.status === 'deletion_failed' && last?.status !== 'running';
}

/**
 * Whether "Roll back" applies: an installed cluster whose change failed to apply, with nothing
 * queued or running (the API refuses it when no earlier applied revision is on record).
 */
export function canRollback(cluster: Cluster): boolean {
  const last = cluster.last_operation;
  return (
    cluster.was_created &&
    cluster.status === 'synchronization_failure' &&
    last?.status !== 'running' &&
    last?.status !== 'queued'
  );
}

/** A recovery action that answers 200 with the cluster (archive without cleanup, rollback). */
function useRecoveryAction(
  slug: string,
  clusterId: string,
  path: 'archive_without_cleanup' | 'rollback',
  messages: { success: string; failure: string },
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api.post(`/clusters/${clusterId}/${path}`, { schema: ClusterSchema, workspace: slug }),
    meta: { successMessage: messages.success, errorTitle: messages.failure },
    onSuccess: async () => {
      await refreshCluster(queryClient, slug, clusterId);
    },
  });
}

export function useArchiveWithoutCleanup(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useRecoveryAction(slug, clusterId, 'archive_without_cleanup', {
    success: t('lifecycle.archiveWithoutCleanup.done'),
    failure: t('lifecycle.archiveWithoutCleanup.failed'),
  });
}

export function useRollback(slug: string, clusterId: string) {
  const { t } = useTranslation();
  return useRecoveryAction(slug, clusterId, 'rollback', {
    success: t('lifecycle.rollback.queued'),
    failure: t('lifecycle.rollback.failed'),
  });
}
