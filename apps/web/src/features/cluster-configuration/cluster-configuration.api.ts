import { type Cluster, ClusterSchema, type UpdateClusterBody } from '@commander/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';

/**
 * Replaces a cluster's configuration (PUT with `current_revision`): the form shows the errors
 * (409 stale_revision, 422 values) and the resulting status itself.
 */
export function useUpdateClusterConfiguration(slug: string, clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateClusterBody) =>
      api.put(`/clusters/${clusterId}`, { body, schema: ClusterSchema, workspace: slug }),
    meta: { notifyError: false },
    onSuccess: async (cluster: Cluster) => {
      queryClient.setQueryData(clusterQueries.detail(slug, cluster.id).queryKey, cluster);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) }),
        queryClient.invalidateQueries({ queryKey: clusterQueries.one(slug, cluster.id) }),
      ]);
    },
  });
}
