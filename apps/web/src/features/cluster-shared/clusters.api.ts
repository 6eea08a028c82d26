import {
  type Cluster,
  ClusterSchema,
  type ClusterSortSchema,
  type ClusterStatus,
  type CreateClusterBody,
  TRANSITIONAL_CLUSTER_STATUSES,
} from '@commander/contracts';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** Clusters per page in the list. */
export const CLUSTERS_PAGE_SIZE = 25;

/** Poll this often while something is happening, as a fallback to the live event stream. */
const POLL_MS = 5_000;

/** The list's server-side order (`?sort=`); `attention` puts what needs attention first. */
export type ClusterSort = z.infer<typeof ClusterSortSchema>;

export type ClusterListFilter = {
  status?: ClusterStatus;
  q?: string;
  page: number;
  /** Default `attention`. */
  sort?: ClusterSort;
};

export function isTransitional(status: ClusterStatus): boolean {
  return TRANSITIONAL_CLUSTER_STATUSES.has(status);
}

export const clusterQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'clusters'] as const,
  lists: (slug: string) => [...clusterQueries.all(slug), 'list'] as const,
  list: (slug: string, filter: ClusterListFilter) =>
    queryOptions({
      queryKey: [...clusterQueries.lists(slug), filter] as const,
      queryFn: ({ signal }) =>
        api.list('/clusters', {
          schema: ClusterSchema,
          workspace: slug,
          signal,
          query: {
            without_archived: true,
            status: filter.status,
            q: filter.q,
            sort: filter.sort ?? 'attention',
            limit: CLUSTERS_PAGE_SIZE,
            offset: (filter.page - 1) * CLUSTERS_PAGE_SIZE,
          },
        }),
      placeholderData: keepPreviousData,
      refetchInterval: (query) =>
        query.state.data?.items.some((c) => isTransitional(c.status)) ? POLL_MS : false,
    }),
  /** Everything cached about one cluster (its detail, operations, logs) is under this key. */
  one: (slug: string, clusterId: string) =>
    [...clusterQueries.all(slug), 'cluster', clusterId] as const,
  detail: (slug: string, clusterId: string) =>
    queryOptions({
      queryKey: [...clusterQueries.one(slug, clusterId), 'detail'] as const,
      queryFn: ({ signal }) =>
        api.get(`/clusters/${clusterId}`, { schema: ClusterSchema, workspace: slug, signal }),
      refetchInterval: (query) => {
        const cluster = query.state.data;
        // Once it is gone (404), stop asking.
        return cluster && query.state.status !== 'error' && isTransitional(cluster.status)
          ? POLL_MS
          : false;
      },
    }),
};

export function useCreateCluster(slug: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: CreateClusterBody) =>
      api.post('/clusters', { body, schema: ClusterSchema, workspace: slug }),
    // The form shows the error next to its field.
    meta: { notifyError: false, successMessage: t('clusters.create.created') },
    onSuccess: async (cluster: Cluster) => {
      queryClient.setQueryData(clusterQueries.detail(slug, cluster.id).queryKey, cluster);
      await queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) });
      await queryClient.invalidateQueries({ queryKey: workspaceQueries.list().queryKey });
    },
  });
}

export function useDeleteCluster(slug: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (clusterId: string) =>
      api.delete(`/clusters/${clusterId}`, { schema: ClusterSchema, workspace: slug }),
    meta: { successMessage: t('clusters.delete.started'), errorTitle: t('clusters.delete.failed') },
    onSuccess: async (cluster: Cluster) => {
      queryClient.setQueryData(clusterQueries.detail(slug, cluster.id).queryKey, cluster);
      await queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) });
    },
  });
}
