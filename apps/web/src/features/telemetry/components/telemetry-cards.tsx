import {
  Badge,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowUpCircle, IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { formatDateTime, formatRelative } from '../../../lib/format.js';
import { type AgentSnapshot, formatBytes, percentOf } from '../agent-data.js';
import { AgentStatusBadge } from './agent-status-badge.js';

function Card({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Stack gap={6}>
        <Title order={3} size="h6" c="dimmed" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function usageColor(percent: number): string {
  return percent >= 90 ? 'red' : percent >= 75 ? 'yellow' : 'blue';
}

function Usage({ label, percent }: { label: string; percent: number | null }) {
  if (percent === null) {
    return null;
  }
  return (
    <Progress
      value={percent}
      size="sm"
      color={usageColor(percent)}
      aria-label={`${label}: ${percent}%`}
    />
  );
}

export type TelemetryCardsProps = {
  snapshot: AgentSnapshot;
  agentStatus: string;
};

/** Key figures of the latest telemetry: capacity and use, nodes, versions, agent. */
export function TelemetryCards({ snapshot: s, agentStatus }: TelemetryCardsProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const num = (value: number, digits = 1) =>
    new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
  const dash = '—';
  const cpuPercent = percentOf(s.cpuUsage, s.cpuCores);
  const memoryPercent = percentOf(s.memoryUsedBytes, s.memoryBytes);
  const storagePercent = percentOf(s.storageUsedBytes, s.storageBytes);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
      <Card id="telemetry-cpu" title={t('telemetry.cards.cpu')}>
        <Text size="xl" fw={600}>
          {s.cpuCores === null ? dash : t('telemetry.cards.cores', { count: s.cpuCores })}
        </Text>
        <Text size="sm" c="dimmed">
          {s.cpuUsage === null
            ? t('telemetry.cards.usageUnknown')
            : t('telemetry.cards.coresUsed', {
                used: num(s.cpuUsage),
                count: s.cpuUsage,
                percent: cpuPercent ?? 0,
              })}
        </Text>
        <Usage label={t('telemetry.cards.cpuUsage')} percent={cpuPercent} />
      </Card>
      <Card id="telemetry-memory" title={t('telemetry.cards.memory')}>
        <Text size="xl" fw={600}>
          {s.memoryBytes === null ? dash : formatBytes(s.memoryBytes, lang)}
        </Text>
        <Text size="sm" c="dimmed">
          {s.memoryUsedBytes === null
            ? t('telemetry.cards.usageUnknown')
            : t('telemetry.cards.used', {
                used: formatBytes(s.memoryUsedBytes, lang),
                percent: memoryPercent ?? 0,
              })}
        </Text>
        <Usage label={t('telemetry.cards.memoryUsage')} percent={memoryPercent} />
      </Card>
      <Card id="telemetry-storage" title={t('telemetry.cards.storage')}>
        <Text size="xl" fw={600}>
          {s.storageBytes === null ? dash : formatBytes(s.storageBytes, lang)}
        </Text>
        <Text size="sm" c="dimmed">
          {s.storageUsedBytes === null
            ? t('telemetry.cards.usageUnknown')
            : t('telemetry.cards.used', {
                used: formatBytes(s.storageUsedBytes, lang),
                percent: storagePercent ?? 0,
              })}
        </Text>
        <Usage label={t('telemetry.cards.storageUsage')} percent={storagePercent} />
      </Card>
      <Card id="telemetry-nodes" title={t('telemetry.cards.nodes')}>
        <Text size="xl" fw={600}>
          {s.nodeCount === null ? dash : s.nodeCount}
        </Text>
        <Text size="sm" c="dimmed">
          {t('telemetry.cards.nodesHelp')}
        </Text>
      </Card>
      <Card id="telemetry-versions" title={t('telemetry.cards.versions')}>
        <Text size="sm">
          {t('telemetry.cards.dkp')}{' '}
          <Text span fw={600} ff="monospace">
            {s.dkpVersion ?? dash}
          </Text>
        </Text>
        <Text size="sm">
          {t('telemetry.cards.kubernetes')}{' '}
          <Text span fw={600} ff="monospace">
            {s.kubernetesVersion ?? dash}
          </Text>
        </Text>
      </Card>
      <Card id="telemetry-updates" title={t('telemetry.cards.updates')}>
        <Text size="sm">
          {t('telemetry.cards.channel')}{' '}
          <Text span fw={600}>
            {s.updateChannel ?? dash}
          </Text>
        </Text>
        <Group>
          {s.updateAvailable === true ? (
            <Badge
              color="yellow"
              variant="light"
              tt="none"
              leftSection={<IconArrowUpCircle size={12} aria-hidden />}
            >
              {t('telemetry.cards.updateAvailable')}
            </Badge>
          ) : s.updateAvailable === false ? (
            <Badge
              color="teal"
              variant="light"
              tt="none"
              leftSection={<IconCircleCheck size={12} aria-hidden />}
            >
              {t('telemetry.cards.upToDate')}
            </Badge>
          ) : (
            <Text size="sm" c="dimmed">
              {dash}
            </Text>
          )}
        </Group>
      </Card>
      <Card id="telemetry-agent" title={t('telemetry.cards.agent')}>
        <Group>
          <AgentStatusBadge status={agentStatus} />
        </Group>
        <Text size="sm" c="dimmed">
          {s.reportedAt === null ? (
            t('telemetry.cards.neverSeen')
          ) : (
            <Tooltip label={formatDateTime(s.reportedAt, lang)}>
              <span>
                {t('telemetry.cards.lastSeen', { when: formatRelative(s.reportedAt, lang) })}
              </span>
            </Tooltip>
          )}
        </Text>
      </Card>
      <Card id="telemetry-alerts-count" title={t('telemetry.cards.alerts')}>
        <Text size="xl" fw={600} c={s.alerts.length > 0 ? 'red' : undefined}>
          {s.alerts.length}
        </Text>
        <Text size="sm" c="dimmed">
          {s.alerts.length === 0 ? t('telemetry.cards.noAlerts') : t('telemetry.cards.alertsHelp')}
        </Text>
      </Card>
    </SimpleGrid>
  );
}
