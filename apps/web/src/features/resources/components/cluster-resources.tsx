import type { Cluster } from '@commander/contracts';
import {
  Alert,
  Badge,
  EmptyState,
  Group,
  List,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  type Icon,
  IconCircleCheck,
  IconCircleX,
  IconHelpCircle,
  IconLinkOff,
  IconPackages,
  IconTrash,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { formatDateTime, formatRelative } from '../../../lib/format.js';
import { readAgentData } from '../../telemetry/agent-data.js';
import { AgentStatusBadge } from '../../telemetry/components/agent-status-badge.js';
import { groupResourceResults, type ResourceResult, syncState } from '../resource-results.js';

const SYNC_LOOK = {
  configured: { color: 'teal', icon: IconCircleCheck },
  not_configured: { color: 'red', icon: IconCircleX },
  no_data: { color: 'gray', icon: IconHelpCircle },
} as const;

const RESULT_LOOK: Record<ResourceResult['status'], { color: string; icon: Icon }> = {
  applied: { color: 'teal', icon: IconCircleCheck },
  error: { color: 'red', icon: IconCircleX },
  deleted: { color: 'gray', icon: IconTrash },
  orphaned: { color: 'yellow', icon: IconLinkOff },
  unknown: { color: 'gray', icon: IconHelpCircle },
};

function ResultBadge({ status }: { status: ResourceResult['status'] }) {
  const { t } = useTranslation();
  const look = RESULT_LOOK[status];
  const Icon = look.icon;
  return (
    <Badge
      variant="light"
      color={look.color}
      tt="none"
      leftSection={<Icon size={12} aria-hidden />}
    >
      {t(`resources.result.${status}`)}
    </Badge>
  );
}

/**
 * The Resources tab: whether the agent applied the cluster's Kubernetes resources (sync state),
 * and each resource's result with its errors, grouped by resource group.
 */
export function ClusterResources({ cluster }: { cluster: Cluster }) {
  const { t, i18n } = useTranslation();
  const state = syncState(cluster.resources_sync_state);
  const look = SYNC_LOOK[state];
  const StateIcon = look.icon;
  const groups = groupResourceResults(cluster.resources_state_results);
  const errors = groups.reduce((sum, g) => sum + g.counts.error, 0);
  const total = groups.reduce((sum, g) => sum + g.resources.length, 0);
  const reportedAt = readAgentData(cluster.cluster_agent_data).reportedAt;
  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="resources-sync">
        <Stack gap="xs">
          <Group gap="sm">
            <Title order={2} size="h5" id="resources-sync">
              {t('resources.syncTitle')}
            </Title>
            <Badge
              size="lg"
              variant="light"
              color={look.color}
              tt="none"
              leftSection={<StateIcon size={14} aria-hidden />}
              role="status"
              aria-label={t('resources.syncLabel', { state: t(`resources.sync.${state}`) })}
            >
              {t(`resources.sync.${state}`)}
            </Badge>
            <AgentStatusBadge status={cluster.agent_status} size="sm" />
          </Group>
          <Text size="sm" c="dimmed">
            {t(`resources.syncHelp.${state}`)}
          </Text>
          <Group gap="lg">
            <Text size="sm">{t('resources.summary', { count: total, errors })}</Text>
            <Text size="sm" c="dimmed">
              {reportedAt === null ? (
                t('resources.agentNeverSeen')
              ) : (
                <Tooltip label={formatDateTime(reportedAt, i18n.language)}>
                  <span>
                    {t('resources.agentLastSeen', {
                      when: formatRelative(reportedAt, i18n.language),
                    })}
                  </span>
                </Tooltip>
              )}
            </Text>
          </Group>
        </Stack>
      </Paper>
      {errors > 0 && (
        <Alert color="red" variant="light" role="alert" icon={<IconCircleX aria-hidden />}>
          {t('resources.errorsAlert', { count: errors })}
        </Alert>
      )}
      {groups.length === 0 ? (
        <EmptyState
          icon={<IconPackages size={32} aria-hidden />}
          title={t('resources.emptyTitle')}
          description={t('resources.emptyDescription')}
        />
      ) : (
        groups.map((group) => {
          const id = `resource-group-${group.name.replace(/\W+/g, '-')}`;
          return (
            <Paper key={group.name} withBorder p="md" component="section" aria-labelledby={id}>
              <Stack gap="sm">
                <Group gap="sm">
                  <Title order={3} size="h5" id={id} ff="monospace">
                    {group.name || t('resources.noGroup')}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {t('resources.groupCounts', {
                      count: group.resources.length,
                      errors: group.counts.error,
                    })}
                  </Text>
                </Group>
                <Table.ScrollContainer minWidth={640}>
                  <Table
                    verticalSpacing={6}
                    aria-label={t('resources.tableLabel', { group: group.name })}
                  >
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('resources.columns.kind')}</Table.Th>
                        <Table.Th scope="col">{t('resources.columns.name')}</Table.Th>
                        <Table.Th scope="col">{t('resources.columns.namespace')}</Table.Th>
                        <Table.Th scope="col">{t('resources.columns.status')}</Table.Th>
                        <Table.Th scope="col">{t('resources.columns.errors')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {group.resources.map((r) => (
                        <Table.Tr key={`${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`}>
                          <Table.Td>
                            <Text size="sm">{r.kind}</Text>
                            <Text size="xs" c="dimmed" ff="monospace">
                              {r.apiVersion}
                            </Text>
                          </Table.Td>
                          <Table.Td ff="monospace">{r.name}</Table.Td>
                          <Table.Td ff="monospace">{r.namespace ?? '—'}</Table.Td>
                          <Table.Td>
                            <ResultBadge status={r.status} />
                          </Table.Td>
                          <Table.Td>
                            {r.errors.length === 0 ? (
                              <Text size="sm" c="dimmed">
                                —
                              </Text>
                            ) : (
                              <List size="sm" spacing={2} c="red">
                                {r.errors.map((e, i) => (
                                  <List.Item key={i}>{e}</List.Item>
                                ))}
                              </List>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Stack>
            </Paper>
          );
        })
      )}
    </Stack>
  );
}
