import type { ChangeRequest, Cluster } from '@commander/contracts';
import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { formatDateTime } from '../../../lib/format.js';
import {
  changeRequestQueries,
  pendingRequests,
  useApproveChangeRequest,
  useRejectChangeRequest,
} from '../change-requests.api.js';
import { ChangeRequestCard } from './change-request-card.js';
import { ChangeRequestStatusBadge } from './change-request-status-badge.js';

export type ChangeRequestsPanelProps = {
  slug: string;
  cluster: Cluster;
  canDecide: boolean;
  /** `pending`: only the requests that wait (nothing when none); `all`: with the history. */
  mode: 'pending' | 'all';
};

/**
 * A cluster's change requests: pending ones in full (diff, approve, reject), then the history.
 * Renders nothing when there are none.
 */
export function ChangeRequestsPanel({ slug, cluster, canDecide, mode }: ChangeRequestsPanelProps) {
  const requests = useQuery(changeRequestQueries.list(slug, cluster.id));
  const approve = useApproveChangeRequest(slug, cluster.id);
  const reject = useRejectChangeRequest(slug, cluster.id);
  // Usually there is nothing to show: no placeholder that would appear and vanish.
  if (requests.isPending) {
    return null;
  }
  if (requests.isError) {
    return <ErrorAlert error={requests.error} onRetry={() => void requests.refetch()} />;
  }
  const errorOf = (id: string): Error | null =>
    approve.variables === id && approve.error
      ? approve.error
      : reject.variables === id && reject.error
        ? reject.error
        : null;
  return (
    <ChangeRequestsView
      requests={requests.data.items}
      clusterName={cluster.name}
      canDecide={canDecide}
      mode={mode}
      approvingId={approve.isPending ? (approve.variables ?? null) : null}
      rejectingId={reject.isPending ? (reject.variables ?? null) : null}
      errorOf={errorOf}
      onApprove={(request, done) => approve.mutate(request.id, { onSuccess: done })}
      onReject={(request) => reject.mutate(request.id)}
    />
  );
}

export type ChangeRequestsViewProps = {
  requests: ChangeRequest[];
  clusterName: string;
  canDecide: boolean;
  mode: 'pending' | 'all';
  approvingId: string | null;
  rejectingId: string | null;
  errorOf: (id: string) => Error | null;
  onApprove: (request: ChangeRequest, done: () => void) => void;
  onReject: (request: ChangeRequest) => void;
};

export function ChangeRequestsView({
  requests,
  clusterName,
  canDecide,
  mode,
  approvingId,
  rejectingId,
  errorOf,
  onApprove,
  onReject,
}: ChangeRequestsViewProps) {
  const { t, i18n } = useTranslation();
  const pending = pendingRequests(requests);
  const past = requests.filter((r) => r.status !== 'pending');
  if ((mode === 'pending' && pending.length === 0) || requests.length === 0) {
    return null;
  }
  const cards = pending.map((request) => (
    <ChangeRequestCard
      key={request.id}
      request={request}
      clusterName={clusterName}
      canDecide={canDecide}
      isApproving={approvingId === request.id}
      isRejecting={rejectingId === request.id}
      error={errorOf(request.id)}
      onApprove={(done) => onApprove(request, done)}
      onReject={() => onReject(request)}
    />
  ));
  if (mode === 'pending') {
    return <Stack gap="md">{cards}</Stack>;
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="change-requests-heading">
      <Stack gap="md">
        <Title order={2} size="h4" id="change-requests-heading">
          {t('changeRequests.title')}
        </Title>
        {cards}
        {past.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs" aria-label={t('changeRequests.historyLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('changeRequests.columns.opened')}</Table.Th>
                  <Table.Th scope="col">{t('changeRequests.columns.kind')}</Table.Th>
                  <Table.Th scope="col">{t('changeRequests.columns.status')}</Table.Th>
                  <Table.Th scope="col">{t('changeRequests.columns.approvedBy')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {past.map((request) => (
                  <Table.Tr key={request.id}>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(request.created_at, i18n.language)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {request.destructive
                          ? t('changeRequests.destructive')
                          : t('changeRequests.manual')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ChangeRequestStatusBadge status={request.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{request.approved_by ?? '—'}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
