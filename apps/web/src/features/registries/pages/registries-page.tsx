import type { Registry } from '@commander/contracts';
import {
  ActionIcon,
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
import { IconBox, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { CredentialsBadge, RegistryModal } from '../components/registry-modal.js';
import { registryQueries, useDeleteRegistry } from '../registries.api.js';

function DeleteRegistryModal({
  slug,
  registry,
  onClose,
}: {
  slug: string;
  registry: Registry | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const remove = useDeleteRegistry(slug);
  const inUse = isApiError(remove.error) && remove.error.status === 409;
  return (
    <Modal
      opened={registry !== null}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title={t('registries.delete.title')}
    >
      <Stack gap="md">
        <Text>{t('registries.delete.confirm', { name: registry?.name ?? '' })}</Text>
        {remove.error &&
          (inUse ? (
            <Text c="red" role="alert">
              {t('registries.delete.inUse')}
            </Text>
          ) : (
            <ErrorAlert error={remove.error} title={t('registries.delete.failed')} />
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => registry && remove.mutate(registry.id, { onSuccess: onClose })}
          >
            {t('registries.delete.button')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The workspace's container registries: address, scheme, CA, whether credentials are set. */
export function RegistriesPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me } = useCurrentWorkspace();
  const registries = useQuery(registryQueries.list(slug));
  const canWrite = canInWorkspace(me, slug, 'registries:write');
  const [editing, setEditing] = useState<Registry | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Registry | null>(null);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('registries.title')}
        subtitle={t('registries.subtitle')}
        actions={
          <>
            {canWrite && (
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setEditing('new')}
              >
                {t('registries.create.button')}
              </Button>
            )}
          </>
        }
      />
      {registries.isPending ? (
        <TableSkeleton rows={3} columns={5} />
      ) : registries.isError ? (
        <ErrorAlert error={registries.error} onRetry={() => void registries.refetch()} />
      ) : registries.data.items.length === 0 ? (
        <EmptyState
          icon={<IconBox size={32} aria-hidden />}
          title={t('registries.emptyTitle')}
          description={t('registries.emptyDescription')}
        />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover aria-label={t('registries.table')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('registries.fields.name')}</Table.Th>
                <Table.Th scope="col">{t('registries.fields.imagesRepo')}</Table.Th>
                <Table.Th scope="col">{t('registries.fields.scheme')}</Table.Th>
                <Table.Th scope="col">{t('registries.columns.ca')}</Table.Th>
                <Table.Th scope="col">{t('registries.fields.auth')}</Table.Th>
                {canWrite && (
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('registries.columns.actions')}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {registries.data.items.map((registry) => (
                <Table.Tr key={registry.id}>
                  <Table.Td fw={500}>{registry.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {registry.images_repo}
                    </Text>
                  </Table.Td>
                  <Table.Td>{registry.scheme}</Table.Td>
                  <Table.Td>
                    {registry.ca.trim()
                      ? t('registries.columns.caCustom')
                      : t('registries.columns.caNone')}
                  </Table.Td>
                  <Table.Td>
                    <CredentialsBadge set={registry.has_auth} />
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Tooltip label={t('registries.edit.button')}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t('registries.edit.named', { name: registry.name })}
                            onClick={() => setEditing(registry)}
                          >
                            <IconPencil size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t('registries.delete.button')}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t('registries.delete.named', { name: registry.name })}
                            onClick={() => setDeleting(registry)}
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
        <RegistryModal
          key={editing === 'new' ? 'new' : editing.id}
          slug={slug}
          registry={editing === 'new' ? null : editing}
          opened
          onClose={() => setEditing(null)}
        />
      )}
      <DeleteRegistryModal slug={slug} registry={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}
