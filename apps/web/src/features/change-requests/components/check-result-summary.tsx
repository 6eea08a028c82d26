import { Badge, Group, List, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconShieldExclamation } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import type { CheckSummary } from '../check-result.js';

const STATUS_LOOK = {
  InSync: { color: 'teal', icon: IconCircleCheck },
  OutOfSync: { color: 'yellow', icon: IconAlertTriangle },
  DestructiveOutOfSync: { color: 'orange', icon: IconShieldExclamation },
} as const;

/** dhctl's check verdict in words: overall status, destructive changes, nodes that differ. */
export function CheckResultSummary({ summary }: { summary: CheckSummary }) {
  const { t } = useTranslation();
  const look = summary.status ? STATUS_LOOK[summary.status] : null;
  const Icon = look?.icon;
  return (
    <Stack gap="xs" aria-label={t('changeRequests.check.title')} role="group">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          {t('changeRequests.check.title')}
        </Text>
        {summary.status && look && Icon && (
          <Badge
            variant="light"
            color={look.color}
            tt="none"
            leftSection={<Icon size={12} aria-hidden />}
          >
            {t(`changeRequests.check.status.${summary.status}`)}
          </Badge>
        )}
        {summary.configurationInSync !== null && (
          <Text size="xs" c="dimmed">
            {summary.configurationInSync
              ? t('changeRequests.check.configurationInSync')
              : t('changeRequests.check.configurationOutOfSync')}
          </Text>
        )}
      </Group>
      {summary.changes.length > 0 && (
        <Table
          withTableBorder
          verticalSpacing={4}
          fz="sm"
          aria-label={t('changeRequests.check.changesLabel')}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('changeRequests.check.what')}</Table.Th>
              <Table.Th scope="col">{t('changeRequests.check.effect')}</Table.Th>
              <Table.Th scope="col">{t('changeRequests.check.current')}</Table.Th>
              <Table.Th scope="col">{t('changeRequests.check.next')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {summary.changes.map((change, i) => (
              <Table.Tr key={`${change.type}-${i}`}>
                <Table.Td ff="monospace">{change.type}</Table.Td>
                <Table.Td>{t(`changeRequests.check.kind.${change.kind}`)}</Table.Td>
                <Table.Td ff="monospace">{change.current}</Table.Td>
                <Table.Td ff="monospace">{change.next}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {summary.nodes.length > 0 && (
        <List size="sm" spacing={2} aria-label={t('changeRequests.check.nodesLabel')}>
          {summary.nodes.map((node) => (
            <List.Item key={`${node.group}/${node.name}`}>
              <Text span ff="monospace" size="sm">
                {node.name}
              </Text>{' '}
              ({node.group}) — {node.status}
            </List.Item>
          ))}
        </List>
      )}
      {summary.destructiveChangeId && (
        <Text size="xs" c="dimmed">
          {t('changeRequests.check.changeId')}{' '}
          <Text span ff="monospace" size="xs">
            {summary.destructiveChangeId.slice(0, 12)}
          </Text>
        </Text>
      )}
    </Stack>
  );
}
