import { CLUSTER_STATUSES, type ClusterStatus, type RolloutDetail } from '@commander/contracts';
import { Anchor, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatDateTime } from '../../../lib/format.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { RolloutChangeBadge, RolloutClusterStateBadge } from './rollout-badges.js';

type RolloutClusterRow = RolloutDetail['skipped'][number];

const WAVE_COLOR = { pending: 'gray', running: 'blue', completed: 'teal' } as const;

function isClusterStatus(status: string): status is ClusterStatus {
  return (CLUSTER_STATUSES as readonly string[]).includes(status);
}

/** Each wave of a rollout with each cluster's state in it, then the skipped clusters. */
export function RolloutWaves({ slug, rollout }: { slug: string; rollout: RolloutDetail }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      {rollout.waves.map((wave) => {
        const title = t('rollouts.wave.title', {
          number: wave.index + 1,
          total: rollout.waves.length,
        });
        return (
          <Card
            key={wave.index}
            withBorder
            padding="md"
            component="section"
            aria-label={title}
            data-testid="rollout-wave"
          >
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h4">
                {title}
              </Title>
              <Badge variant="light" color={WAVE_COLOR[wave.status]} tt="none">
                {t(`rollouts.wave.status.${wave.status}`)}
              </Badge>
            </Group>
            <ClusterTable slug={slug} clusters={wave.clusters} label={title} />
          </Card>
        );
      })}
      {rollout.skipped.length > 0 && (
        <Card withBorder padding="md" component="section" aria-label={t('rollouts.skippedTitle')}>
          <Title order={2} size="h4" mb="xs">
            {t('rollouts.skippedTitle')}
          </Title>
          <ClusterTable slug={slug} clusters={rollout.skipped} label={t('rollouts.skippedTitle')} />
        </Card>
      )}
    </Stack>
  );
}

function ClusterTable({
  slug,
  clusters,
  label,
}: {
  slug: string;
  clusters: RolloutClusterRow[];
  label: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="xs" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('rollouts.columns.cluster')}</Table.Th>
            <Table.Th scope="col">{t('rollouts.columns.state')}</Table.Th>
            <Table.Th scope="col">{t('rollouts.columns.clusterStatus')}</Table.Th>
            <Table.Th scope="col">{t('rollouts.columns.change')}</Table.Th>
            <Table.Th scope="col">{t('rollouts.columns.finished')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {clusters.map((c) => (
            <Table.Tr key={c.cluster_id} data-testid="rollout-cluster">
              <Table.Td>
                <Anchor component={Link} to={`/w/${slug}/clusters/${c.cluster_id}`}>
                  {c.cluster_name}
                </Anchor>
                {c.error && (
                  <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                    {c.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <RolloutClusterStateBadge state={c.state} clusterName={c.cluster_name} />
              </Table.Td>
              <Table.Td>
                {isClusterStatus(c.cluster_status) ? (
                  <ClusterStatusBadge status={c.cluster_status} size="sm" />
                ) : (
                  c.cluster_status
                )}
              </Table.Td>
              <Table.Td>
                <RolloutChangeBadge change={c.change} />
              </Table.Td>
              <Table.Td title={c.finished_at ?? undefined}>
                {c.finished_at ? formatDateTime(c.finished_at, i18n.language) : '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
