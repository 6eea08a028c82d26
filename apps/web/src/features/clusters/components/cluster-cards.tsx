import type { Cluster } from '@commander/contracts';
import { Anchor, Badge, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatRelative } from '../../../lib/format.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { operationKindWord, operationStatusWord } from '../../operations/operation-words.js';
import { readAgentData } from '../../telemetry/agent-data.js';
import { AgentStatusBadge } from '../../telemetry/components/agent-status-badge.js';

export type ClusterCardsProps = {
  slug: string;
  clusters: Cluster[];
  dense: boolean;
};

/**
 * The cluster list on a phone: one card per cluster (name, status, agent and alerts, versions,
 * nodes, template, last operation), the same page and order as the table.
 */
export function ClusterCards({ slug, clusters, dense }: ClusterCardsProps) {
  const { t, i18n } = useTranslation();
  return (
    <Stack
      component="ul"
      gap={dense ? 'xs' : 'sm'}
      aria-label={t('clusters.tableLabel')}
      p={0}
      m={0}
      style={{ listStyle: 'none' }}
    >
      {clusters.map((cluster) => {
        const agent = readAgentData(cluster.cluster_agent_data);
        const template = cluster.cluster_template_name;
        const version = cluster.cluster_template_version_number;
        const op = cluster.last_operation;
        const percent = op ? Math.round(op.progress * 100) : 0;
        const kind = op ? operationKindWord(op.kind, t) : '';
        const versions = [
          agent.dkpVersion && `${t('clusterColumns.dkp')} ${agent.dkpVersion}`,
          agent.kubernetesVersion && `${t('clusterColumns.kubernetes')} ${agent.kubernetesVersion}`,
          agent.nodeCount !== null && t('telemetry.charts.nodeCount', { count: agent.nodeCount }),
        ].filter(Boolean);
        return (
          <Paper
            key={cluster.id}
            component="li"
            withBorder
            p={dense ? 'xs' : 'sm'}
            aria-label={cluster.name}
          >
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Anchor
                  component={Link}
                  to={`/w/${slug}/clusters/${cluster.id}`}
                  fw={600}
                  truncate="end"
                  miw={0}
                  title={cluster.name}
                >
                  {cluster.name}
                </Anchor>
                <ClusterStatusBadge status={cluster.status} size="sm" />
              </Group>
              <Group gap={6}>
                <AgentStatusBadge status={cluster.agent_status} size="sm" />
                {agent.alerts.length > 0 && (
                  <Badge
                    size="sm"
                    color="red"
                    variant="light"
                    tt="none"
                    leftSection={<IconAlertTriangle size={10} aria-hidden />}
                  >
                    {t('clusterColumns.alerts', { count: agent.alerts.length })}
                  </Badge>
                )}
                {versions.length > 0 && (
                  <Text size="xs" c="dimmed">
                    {versions.join(' · ')}
                  </Text>
                )}
              </Group>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="xs" c="dimmed" truncate="end" miw={0}>
                  {template !== null && version !== null
                    ? t('clusters.templateVersion', { template, version })
                    : '—'}
                </Text>
                <Text
                  size="xs"
                  c="dimmed"
                  component="time"
                  dateTime={cluster.created_at}
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {formatRelative(cluster.created_at, i18n.language)}
                </Text>
              </Group>
              {op && op.status !== 'succeeded' && (
                <Stack gap={2}>
                  <Text size="xs">
                    {kind} · {operationStatusWord(op.status, t)} · {percent}%
                  </Text>
                  <Progress
                    value={percent}
                    size="xs"
                    color={op.status === 'failed' ? 'red' : 'blue'}
                    aria-label={t('clusters.operationProgress', { kind, percent })}
                  />
                </Stack>
              )}
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
