import { type ChangeRequest, ChangeRequestSchema } from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';

export const changeRequestQueries = {
  /** A cluster's change requests (under the cluster's key, so its change events reach them). */
  all: (slug: string, clusterId: string) =>
    [...clusterQueries.one(slug, clusterId), 'change-requests'] as const,
  /** Newest first; pending ones carry the diff of applied vs desired configuration. */
  list: (slug: string, clusterId: string) =>
    queryOptions({
      queryKey: [...changeRequestQueries.all(slug, clusterId), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/cluster_change_requests', {
          schema: ChangeRequestSchema,
          workspace: slug,
          query: { cluster_id: clusterId },
          signal,
        }),
    }),
};

/** Change requests waiting for a person. */
export function pendingRequests(requests: ChangeRequest[]): ChangeRequest[] {
  return requests.filter((r) => r.status === 'pending');
}

function useDecision(slug: string, clusterId: string, decision: 'approve' | 'reject') {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (requestId: string) =>
      api.post(`/cluster_change_requests/${requestId}/${decision}`, {
        schema: ChangeRequestSchema,
        workspace: slug,
      }),
    meta:
      decision === 'approve'
        ? {
            successMessage: t('changeRequests.approved'),
            errorTitle: t('changeRequests.approveFailed'),
          }
        : {
            successMessage: t('changeRequests.rejected'),
            errorTitle: t('changeRequests.rejectFailed'),
          },
    // A 409 means someone else decided first or the cluster moved on: show what is true now.
    onSettled: () =>
      queryClient.invalidateQueries({ queryKey: clusterQueries.one(slug, clusterId) }),
  });
}

/** Approves a change request: a converge with the approved plan is queued. */
export function useApproveChangeRequest(slug: string, clusterId: string) {
  return useDecision(slug, clusterId, 'approve');
}

/** Rejects a pending change request: nothing is applied. */
export function useRejectChangeRequest(slug: string, clusterId: string) {
  return useDecision(slug, clusterId, 'reject');
}
