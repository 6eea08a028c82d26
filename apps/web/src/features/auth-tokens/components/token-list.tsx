import type { AuthToken } from '@commander/contracts';
import {
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { IconBan, IconCircleCheck, IconClockX, IconKey } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime } from '../../../lib/format.js';
import { authTokenQueries, useRevokeAuthToken } from '../auth-tokens.api.js';

type TokenState = 'active' | 'revoked' | 'expired';

export function tokenState(token: AuthToken, now: number = Date.now()): TokenState {
  if (token.revoked_at !== null) {
    return 'revoked';
  }
  if (token.expires_at !== null && new Date(token.expires_at).getTime() <= now) {
    return 'expired';
  }
  return 'active';
}

export function TokenList({ slug, canWrite }: { slug: string | null; canWrite: boolean }) {
  const tokens = useQuery(authTokenQueries.list(slug));
  const revoke = useRevokeAuthToken(slug);
  if (tokens.isPending) {
    return <TableSkeleton rows={3} columns={6} />;
  }
  if (tokens.isError) {
    return <ErrorAlert error={tokens.error} onRetry={() => void tokens.refetch()} />;
  }
  return (
    <TokenListView
      tokens={tokens.data.items}
      canWrite={canWrite}
      isRevoking={revoke.isPending}
      onRevoke={(token, done) => revoke.mutate(token.id, { onSuccess: done })}
    />
  );
}

export type TokenListViewProps = {
  tokens: AuthToken[];
  canWrite: boolean;
  isRevoking: boolean;
  onRevoke: (token: AuthToken, done: () => void) => void;
};

export function TokenListView({ tokens, canWrite, isRevoking, onRevoke }: TokenListViewProps) {
  const { t, i18n } = useTranslation();
  const [revoking, setRevoking] = useState<AuthToken | null>(null);
  if (tokens.length === 0) {
    return (
      <EmptyState
        icon={<IconKey size={32} aria-hidden />}
        title={t('tokens.emptyTitle')}
        description={t('tokens.emptyDescription')}
      />
    );
  }
  const when = (iso: string | null, none: string) =>
    iso ? formatDateTime(iso, i18n.language) : none;
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" aria-label={t('tokens.tableLabel')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('tokens.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('tokens.columns.scope')}</Table.Th>
              <Table.Th scope="col">{t('tokens.columns.state')}</Table.Th>
              <Table.Th scope="col">{t('tokens.columns.expires')}</Table.Th>
              <Table.Th scope="col">{t('tokens.columns.lastUsed')}</Table.Th>
              <Table.Th scope="col">{t('tokens.columns.created')}</Table.Th>
              {canWrite && (
                <Table.Th scope="col">
                  <VisuallyHidden>{t('tokens.columns.actions')}</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.map((token) => {
              const state = tokenState(token);
              return (
                <Table.Tr key={token.id}>
                  <Table.Td>
                    <Stack gap={0}>
                      <Text size="sm" fw={500}>
                        {token.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {token.prefix}…
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={0}>
                      <Text size="sm">{t(`tokens.scopeShort.${token.scope}`)}</Text>
                      <Text size="xs" c="dimmed" data-testid="token-permissions">
                        {t('tokens.permissionsList', { list: token.permissions.join(', ') })}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      tt="none"
                      color={state === 'active' ? 'teal' : state === 'expired' ? 'yellow' : 'gray'}
                      leftSection={
                        state === 'active' ? (
                          <IconCircleCheck size={12} aria-hidden />
                        ) : state === 'expired' ? (
                          <IconClockX size={12} aria-hidden />
                        ) : (
                          <IconBan size={12} aria-hidden />
                        )
                      }
                    >
                      {t(`tokens.state.${state}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{when(token.expires_at, t('tokens.never'))}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{when(token.last_used_at, t('common.never'))}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(token.created_at, i18n.language)}</Text>
                    {token.created_by && (
                      <Text size="xs" c="dimmed">
                        {token.created_by}
                      </Text>
                    )}
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      {state !== 'revoked' && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setRevoking(token)}
                          aria-label={t('tokens.revokeNamed', { name: token.name })}
                        >
                          {t('tokens.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={t('tokens.revokeTitle', { name: revoking?.name ?? '' })}
      >
        <Stack>
          <Text size="sm">{t('tokens.revokeDescription')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t('actions.cancel')}
            </Button>
            <Button
              color="red"
              loading={isRevoking}
              onClick={() => revoking && onRevoke(revoking, () => setRevoking(null))}
            >
              {t('tokens.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
