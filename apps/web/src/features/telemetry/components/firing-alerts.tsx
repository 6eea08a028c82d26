import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import {
  type Icon,
  IconAlertOctagon,
  IconAlertTriangle,
  IconInfoCircle,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { WHOLE_WORDS } from '../../../components/ui/badge-styles.js';
import type { AlertSeverity, FiringAlert } from '../agent-data.js';

const LOOK: Record<AlertSeverity, { color: string; icon: Icon }> = {
  critical: { color: 'red', icon: IconAlertOctagon },
  warning: { color: 'yellow', icon: IconAlertTriangle },
  info: { color: 'blue', icon: IconInfoCircle },
};

const ORDER: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Alerts firing in the cluster, most severe first: severity as colour, icon and word. */
export function FiringAlerts({ alerts }: { alerts: FiringAlert[] }) {
  const { t } = useTranslation();
  const sorted = [...alerts].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="telemetry-alerts">
      <Stack gap="sm">
        <Title order={3} size="h5" id="telemetry-alerts">
          {t('telemetry.alerts.title')}
        </Title>
        {sorted.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('telemetry.alerts.none')}
          </Text>
        ) : (
          <Table verticalSpacing={6} aria-label={t('telemetry.alerts.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('telemetry.alerts.severity')}</Table.Th>
                <Table.Th scope="col">{t('telemetry.alerts.alert')}</Table.Th>
                <Table.Th scope="col">{t('telemetry.alerts.message')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((alert, i) => {
                const look = LOOK[alert.severity];
                const Icon = look.icon;
                return (
                  <Table.Tr key={`${alert.alert}-${i}`}>
                    <Table.Td>
                      <Badge
                        color={look.color}
                        variant="light"
                        tt="none"
                        styles={WHOLE_WORDS}
                        leftSection={<Icon size={12} aria-hidden />}
                      >
                        {t(`telemetry.alerts.severities.${alert.severity}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {alert.alert}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{alert.message || '—'}</Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
