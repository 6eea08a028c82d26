import { UpdateWorkspaceBodySchema, type Workspace } from '@commander/contracts';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ConfirmByNameModal } from '../../../components/ui/confirm-by-name-modal.js';
import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { formatDateTime } from '../../../lib/format.js';
import { fieldRule } from '../../../lib/validation.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { identityQueries, useDeleteWorkspace, useRenameWorkspace } from '../identity.api.js';

function clusterCount(workspace: Workspace): number {
  return Object.values(workspace.cluster_counts ?? {}).reduce((sum, n) => sum + n, 0);
}

function RenameModal({ workspace, onClose }: { workspace: Workspace | null; onClose: () => void }) {
  const { t } = useTranslation();
  const rename = useRenameWorkspace();
  const form = useForm<{ name: string }>({
    mode: 'controlled',
    initialValues: { name: workspace?.name ?? '' },
    validateInputOnChange: true,
    validate: { name: fieldRule(UpdateWorkspaceBodySchema.shape.name, t) },
  });
  const close = () => {
    rename.reset();
    onClose();
  };
  return (
    <Modal
      opened={workspace !== null}
      onClose={close}
      title={t('identity.workspaces.renameTitle', { name: workspace?.name ?? '' })}
    >
      <form
        noValidate
        onSubmit={form.onSubmit(({ name }) => {
          if (workspace) {
            rename.mutate(
              { workspace, name: name.trim() },
              { onSuccess: close, onError: (error) => form.setFieldError('name', error.message) },
            );
          }
        })}
      >
        <Stack>
          <TextInput
            label={t('identity.workspaces.name')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={rename.isPending}>
              {t('identity.workspaces.rename')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Why a workspace could not be deleted, in words (409 workspace_not_empty). */
export function workspaceDeleteError(error: Error, t: TFunction): string {
  return isApiError(error, 'workspace_not_empty')
    ? `${t('identity.workspaces.notEmpty')} (${error.message})`
    : error.message;
}

/** `/settings/workspaces`: rename and delete workspaces (workspaces:write). */
export function WorkspacesAdminPage() {
  const { t, i18n } = useTranslation();
  const me = useQuery(authQueries.me());
  const workspaces = useQuery(identityQueries.workspaces());
  const canWrite = canGlobally(me.data, 'workspaces:write');
  const [renaming, setRenaming] = useState<Workspace | null>(null);
  const [deleting, setDeleting] = useState<Workspace | null>(null);
  const remove = useDeleteWorkspace();
  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('identity.workspaces.title')}
        subtitle={t('identity.workspaces.subtitle')}
      />
      {workspaces.isPending ? (
        <TableSkeleton rows={3} columns={4} />
      ) : workspaces.isError ? (
        <ErrorAlert error={workspaces.error} onRetry={() => void workspaces.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" aria-label={t('identity.workspaces.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('identity.workspaces.name')}</Table.Th>
                <Table.Th scope="col">{t('identity.workspaces.slug')}</Table.Th>
                <Table.Th scope="col">{t('identity.workspaces.clusters')}</Table.Th>
                <Table.Th scope="col">{t('identity.workspaces.created')}</Table.Th>
                {canWrite && (
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('identity.users.columns.actions')}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workspaces.data.items.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/w/${w.slug}/clusters`} fw={500}>
                      {w.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{w.slug}</Table.Td>
                  <Table.Td>{clusterCount(w)}</Table.Td>
                  <Table.Td>{formatDateTime(w.created_at, i18n.language)}</Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={t('identity.workspaces.renameNamed', { name: w.name })}
                          onClick={() => setRenaming(w)}
                        >
                          {t('identity.workspaces.rename')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={t('identity.workspaces.deleteNamed', { name: w.name })}
                          onClick={() => setDeleting(w)}
                        >
                          {t('identity.workspaces.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {renaming && (
        <RenameModal key={renaming.id} workspace={renaming} onClose={() => setRenaming(null)} />
      )}
      <ConfirmByNameModal
        opened={deleting !== null}
        onClose={closeDelete}
        title={t('identity.workspaces.deleteTitle', { name: deleting?.name ?? '' })}
        description={
          <>
            {t('identity.workspaces.deleteDescription')}
            {remove.error && (
              <Alert
                mt="sm"
                color="red"
                variant="light"
                role="alert"
                icon={<IconAlertTriangle aria-hidden />}
              >
                {workspaceDeleteError(remove.error, t)}
              </Alert>
            )}
          </>
        }
        expected={deleting?.slug ?? ''}
        confirmLabel={t('identity.workspaces.delete')}
        isLoading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting, { onSuccess: closeDelete })}
      />
    </Stack>
  );
}
