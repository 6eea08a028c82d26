import { Button, Group, Stack } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { canInWorkspace } from '../../auth/permissions.js';
import { ChangeRequestsPanel } from '../../change-requests/components/change-requests-panel.js';
import { CancelOperationButton } from '../../lifecycle/components/cancel-operation-button.js';
import { RetryAlert } from '../../lifecycle/components/retry-alert.js';
import { canCheckNow, useCheckNow } from '../../lifecycle/lifecycle.api.js';
import { OperationDetails } from '../../operations/components/operation-details.js';
import { OperationList } from '../../operations/components/operation-list.js';
import { operationQueries } from '../../operations/operations.api.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import { useClusterContext } from '../cluster-context.js';

/**
 * Operations of the cluster (Commander's "infrastructure operations"): retry after a failure,
 * check now, change requests to approve, and the operations; the selected one (URL, else the
 * newest) shows its phases and log.
 */
export function ClusterOperationsTab() {
  const { t } = useTranslation();
  const { slug, cluster } = useClusterContext();
  const { me } = useCurrentWorkspace();
  const canWrite = canInWorkspace(me, slug, 'clusters:write');
  const { operationId } = useParams();
  const operations = useQuery(operationQueries.list(slug, cluster.id));
  const check = useCheckNow(slug, cluster.id);
  const selectedId = operationId ?? operations.data?.items[0]?.id ?? null;
  return (
    <Stack gap="md">
      <RetryAlert slug={slug} cluster={cluster} canWrite={canWrite} />
      <ChangeRequestsPanel slug={slug} cluster={cluster} canDecide={canWrite} mode="all" />
      {canWrite && canCheckNow(cluster) && (
        <Group justify="flex-end">
          <Button
            variant="default"
            size="xs"
            leftSection={<IconRefresh size={14} aria-hidden />}
            loading={check.isPending}
            onClick={() => check.mutate()}
          >
            {t('clusterSettings.check.button')}
          </Button>
        </Group>
      )}
      <OperationList slug={slug} clusterId={cluster.id} selectedId={selectedId} />
      {selectedId !== null && (
        <OperationDetails
          key={selectedId}
          slug={slug}
          clusterId={cluster.id}
          operationId={selectedId}
          renderActions={
            canWrite
              ? (operation) => (
                  <CancelOperationButton slug={slug} clusterId={cluster.id} operation={operation} />
                )
              : undefined
          }
        />
      )}
    </Stack>
  );
}
