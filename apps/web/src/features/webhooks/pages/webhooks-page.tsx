import type { Webhook } from '@commander/contracts';
import {
  ActionIcon,
  Anchor,
  Button,
  EmptyState,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconKey,
  IconPencil,
  IconPlus,
  IconSend,
  IconTrash,
  IconWebhook,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { SecretModal, WebhookModal } from '../components/webhook-modals.js';
import { WebhookStateBadge } from '../components/webhook-state-badge.js';
import {
  useDeleteWebhook,
  usePingWebhook,
  useRotateWebhookSecret,
  webhookQueries,
} from '../webhooks.api.js';

function DeleteWebhookModal({
  slug,
  webhook,
  onClose,
}: {
  slug: string;
  webhook: Webhook | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const remove = useDeleteWebhook(slug);
  return (
    <Modal opened={webhook !== null} onClose={onClose} title={t('webhooks.delete.title')}>
      <Stack gap="md">
        <Text>{t('webhooks.delete.confirm', { url: webhook?.url ?? '' })}</Text>
        {remove.error && <ErrorAlert error={remove.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => webhook && remove.mutate(webhook.id, { onSuccess: onClose })}
          >
            {t('webhooks.delete.button')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The workspace's outgoing webhooks: where events go, which ones, and whether delivery works. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me } = useCurrentWorkspace();
  const webhooks = useQuery(webhookQueries.list(slug));
  const canWrite = canInWorkspace(me, slug, 'webhooks:write');
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const ping = usePingWebhook(slug);
  const rotate = useRotateWebhookSecret(slug);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('webhooks.title')}
        subtitle={t('webhooks.subtitle')}
        actions={
          <>
            {canWrite && (
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setEditing('new')}
              >
                {t('webhooks.create.button')}
              </Button>
            )}
          </>
        }
      />
      {webhooks.isPending ? (
        <TableSkeleton rows={3} columns={5} />
      ) : webhooks.isError ? (
        <ErrorAlert error={webhooks.error} onRetry={() => void webhooks.refetch()} />
      ) : webhooks.data.items.length === 0 ? (
        <EmptyState
          icon={<IconWebhook size={32} aria-hidden />}
          title={t('webhooks.emptyTitle')}
          description={t('webhooks.emptyDescription')}
        />
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" highlightOnHover aria-label={t('webhooks.table')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('webhooks.fields.name')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.fields.url')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.fields.events')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.state')}</Table.Th>
                <Table.Th scope="col">{t('webhooks.columns.streak')}</Table.Th>
                {canWrite && (
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('webhooks.columns.actions')}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {webhooks.data.items.map((webhook) => (
                <Table.Tr key={webhook.id}>
                  <Table.Td fw={500}>
                    <Anchor component={Link} to={`/w/${slug}/webhooks/${webhook.id}`}>
                      {webhook.name || t('webhooks.unnamed')}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {webhook.url}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {t('webhooks.eventCount', { count: webhook.event_types.length })}
                  </Table.Td>
                  <Table.Td>
                    <WebhookStateBadge webhook={webhook} />
                  </Table.Td>
                  <Table.Td>{webhook.failure_streak}</Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Tooltip label={t('webhooks.ping')}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t('webhooks.pingNamed', {
                              name: webhook.name || webhook.url,
                            })}
                            loading={ping.isPending && ping.variables === webhook.id}
                            onClick={() => ping.mutate(webhook.id)}
                          >
                            <IconSend size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t('webhooks.rotate')}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t('webhooks.rotateNamed', {
                              name: webhook.name || webhook.url,
                            })}
                            onClick={() =>
                              rotate.mutate(webhook.id, { onSuccess: (r) => setSecret(r.secret) })
                            }
                          >
                            <IconKey size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t('webhooks.edit.button')}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t('webhooks.edit.named', {
                              name: webhook.name || webhook.url,
                            })}
                            onClick={() => setEditing(webhook)}
                          >
                            <IconPencil size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t('webhooks.delete.button')}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t('webhooks.delete.named', {
                              name: webhook.name || webhook.url,
                            })}
                            onClick={() => setDeleting(webhook)}
                          >
                            <IconTrash size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <WebhookModal
          key={editing === 'new' ? 'new' : editing.id}
          slug={slug}
          webhook={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={setSecret}
        />
      )}
      <DeleteWebhookModal slug={slug} webhook={deleting} onClose={() => setDeleting(null)} />
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
