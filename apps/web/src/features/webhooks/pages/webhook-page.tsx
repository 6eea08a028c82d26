import type { WebhookDelivery } from '@commander/contracts';
import {
  Badge,
  Button,
  Code,
  EmptyState,
  Group,
  Pagination,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconRefresh, IconSend, IconWebhook } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime, formatRelative } from '../../../lib/format.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { WebhookStateBadge } from '../components/webhook-state-badge.js';
import {
  DELIVERIES_PAGE_SIZE,
  usePingWebhook,
  useRedeliver,
  webhookQueries,
} from '../webhooks.api.js';

const STATUS_COLOR: Record<WebhookDelivery['status'], string> = {
  pending: 'yellow',
  succeeded: 'teal',
  failed: 'red',
};

/** One webhook: its settings at a glance and its delivery log, with "Redeliver". */
export function WebhookPage() {
  const { t, i18n } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { webhookId = '' } = useParams();
  const { me } = useCurrentWorkspace();
  const canWrite = canInWorkspace(me, slug, 'webhooks:write');
  const [page, setPage] = useState(1);
  const webhook = useQuery(webhookQueries.one(slug, webhookId));
  const deliveries = useQuery(webhookQueries.deliveries(slug, webhookId, page));
  const ping = usePingWebhook(slug);
  const redeliver = useRedeliver(slug);
  const lang = i18n.language;

  if (webhook.isPending) {
    return <TableSkeleton rows={4} columns={6} />;
  }
  if (webhook.isError) {
    return <ErrorAlert error={webhook.error} onRetry={() => void webhook.refetch()} />;
  }
  const hook = webhook.data;
  const total = deliveries.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / DELIVERIES_PAGE_SIZE));
  return (
    <Stack gap="lg">
      <PageHeader
        breadcrumbs={[
          { label: t('webhooks.title'), to: `/w/${slug}/webhooks` },
          { label: hook.name || hook.url },
        ]}
        title={hook.name || t('webhooks.unnamed')}
        badges={<WebhookStateBadge webhook={hook} />}
        subtitle={
          <>
            <Text size="sm" ff="monospace" c="dimmed" style={{ wordBreak: 'break-all' }}>
              {hook.url}
            </Text>
            <Text size="sm" c="dimmed">
              {hook.event_types.join(', ')}
            </Text>
          </>
        }
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              onClick={() => void deliveries.refetch()}
            >
              {t('webhooks.refresh')}
            </Button>
            {canWrite && (
              <Button
                leftSection={<IconSend size={16} aria-hidden />}
                loading={ping.isPending}
                onClick={() => ping.mutate(hook.id)}
              >
                {t('webhooks.ping')}
              </Button>
            )}
          </>
        }
      />
      <Title order={2} size="h3">
        {t('webhooks.deliveries.title')}
      </Title>
      {deliveries.isPending ? (
        <TableSkeleton rows={5} columns={7} />
      ) : deliveries.isError ? (
        <ErrorAlert error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.items.length === 0 ? (
        <EmptyState
          icon={<IconWebhook size={32} aria-hidden />}
          title={t('webhooks.deliveries.emptyTitle')}
          description={t('webhooks.deliveries.emptyDescription')}
        />
      ) : (
        <Stack gap="sm">
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" aria-label={t('webhooks.deliveries.table')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('webhooks.deliveries.event')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.status')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.code')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.latency')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.attempts')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.nextAttempt')}</Table.Th>
                  <Table.Th scope="col">{t('webhooks.deliveries.created')}</Table.Th>
                  {canWrite && <Table.Th scope="col">{t('webhooks.deliveries.actions')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.data.items.map((d) => (
                  <Table.Tr key={d.id} data-testid="webhook-delivery">
                    <Table.Td>
                      <Code>{d.event_type.replace(/^io\.commander\./, '')}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Tooltip
                        label={d.last_error ?? ''}
                        disabled={!d.last_error}
                        multiline
                        w={320}
                      >
                        <Badge variant="light" color={STATUS_COLOR[d.status]} tt="none">
                          {t(`webhooks.deliveryStatus.${d.status}`)}
                        </Badge>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>{d.response_code ?? '—'}</Table.Td>
                    <Table.Td>
                      {d.latency_ms === null
                        ? '—'
                        : t('webhooks.deliveries.ms', { ms: d.latency_ms })}
                    </Table.Td>
                    <Table.Td>{d.attempts}</Table.Td>
                    <Table.Td>
                      {d.next_attempt_at && d.status === 'pending'
                        ? formatRelative(d.next_attempt_at, lang)
                        : '—'}
                    </Table.Td>
                    <Table.Td title={d.created_at}>{formatDateTime(d.created_at, lang)}</Table.Td>
                    {canWrite && (
                      <Table.Td>
                        <Button
                          size="compact-sm"
                          variant="light"
                          disabled={d.status === 'pending'}
                          loading={redeliver.isPending && redeliver.variables.deliveryId === d.id}
                          onClick={() => redeliver.mutate({ webhookId: hook.id, deliveryId: d.id })}
                        >
                          {t('webhooks.deliveries.redeliver')}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t('webhooks.deliveries.total', { count: total })}
            </Text>
            {pages > 1 && (
              <nav aria-label={t('webhooks.deliveries.pagination')}>
                <Pagination total={pages} value={page} onChange={setPage} />
              </nav>
            )}
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
