import { Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';

import { OperationDetails } from '../../operations/components/operation-details.js';
import { OperationList } from '../../operations/components/operation-list.js';
import { operationQueries } from '../../operations/operations.api.js';
import { useClusterContext } from '../cluster-context.js';

/** Operations of the cluster; the selected one (URL, else the newest) shows its phases and log. */
export function ClusterOperationsTab() {
  const { slug, cluster } = useClusterContext();
  const { operationId } = useParams();
  const operations = useQuery(operationQueries.list(slug, cluster.id));
  const selectedId = operationId ?? operations.data?.items[0]?.id ?? null;
  return (
    <Stack gap="md">
      <OperationList slug={slug} clusterId={cluster.id} selectedId={selectedId} />
      {selectedId !== null && (
        <OperationDetails
          key={selectedId}
          slug={slug}
          clusterId={cluster.id}
          operationId={selectedId}
        />
      )}
    </Stack>
  );
}
