import { CLUSTER_STATUSES, type ClusterStatus, type Workspace } from '@commander/contracts';
import { Anchor, Card, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { EmptyState } from '@mantine/core';
import { IconBuildingWarehouse } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { workspaceQueries } from '../../workspaces/workspaces.api.js';

/** The workspaces the caller sees, as cards with their cluster counts. */
export function WorkspaceCards() {
  const { t } = useTranslation();
  const workspaces = useQuery(workspaceQueries.list());
  if (workspaces.isPending) {
    return (
      <SimpleGrid
        cols={{ base: 1, sm: 2, lg: 3 }}
        aria-busy="true"
        aria-label={t('common.loading')}
      >
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} height={140} />
        ))}
      </SimpleGrid>
    );
  }
  if (workspaces.isError) {
    return <ErrorAlert error={workspaces.error} onRetry={() => void workspaces.refetch()} />;
  }
  return <WorkspaceCardsView workspaces={workspaces.data.items} />;
}

function countsOf(workspace: Workspace): { status: ClusterStatus; count: number }[] {
  const counts = workspace.cluster_counts ?? {};
  return CLUSTER_STATUSES.flatMap((status) => {
    const count = counts[status] ?? 0;
    return count > 0 ? [{ status, count }] : [];
  });
}

export function WorkspaceCardsView({ workspaces }: { workspaces: Workspace[] }) {
  const { t } = useTranslation();
  if (workspaces.length === 0) {
    return (
      <EmptyState
        icon={<IconBuildingWarehouse size={32} aria-hidden />}
        title={t('workspaces.emptyTitle')}
        description={t('workspaces.emptyDescription')}
      />
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
      {workspaces.map((workspace) => {
        const counts = countsOf(workspace);
        const total = counts.reduce((sum, c) => sum + c.count, 0);
        return (
          <Card
            key={workspace.id}
            withBorder
            padding="lg"
            component="article"
            aria-labelledby={`ws-${workspace.id}`}
          >
            <Stack gap="sm">
              <Group justify="space-between" wrap="nowrap">
                <Title order={2} size="h4" id={`ws-${workspace.id}`}>
                  <Anchor component={Link} to={`/w/${workspace.slug}/clusters`} inherit>
                    {workspace.name}
                  </Anchor>
                </Title>
                <Text size="xs" c="dimmed" ff="monospace">
                  {workspace.slug}
                </Text>
              </Group>
              <Text size="sm" c="dimmed">
                {t('workspaces.clusterCount', { count: total })}
              </Text>
              {counts.length > 0 && (
                <Group gap={6}>
                  {counts.map(({ status, count }) => (
                    <ClusterStatusBadge key={status} status={status} count={count} size="sm" />
                  ))}
                </Group>
              )}
            </Stack>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
