import type { Role } from '@commander/contracts';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { RoleForm } from '../components/role-form.js';
import { RolesTable } from '../components/roles-table.js';
import { identityQueries, useCreateRole, useDeleteRole, useUpdateRole } from '../identity.api.js';

/** `/settings/roles`: built-in roles (read-only) and custom roles with their permissions. */
export function RolesPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const roles = useQuery(identityQueries.roles());
  const canWrite = canGlobally(me.data, 'roles:write');
  const [creating, { open, close }] = useDisclosure(false);
  const [opened, setOpened] = useState<Role | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const create = useCreateRole();
  const update = useUpdateRole();
  const remove = useDeleteRole();
  const closeCreate = () => {
    create.reset();
    close();
  };
  const closeEdit = () => {
    update.reset();
    setOpened(null);
  };
  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('identity.roles.title')}
        subtitle={t('identity.roles.subtitle')}
        actions={
          <>
            {canWrite && (
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
                {t('identity.roles.create')}
              </Button>
            )}
          </>
        }
      />
      {roles.isPending ? (
        <TableSkeleton rows={5} columns={5} />
      ) : roles.isError ? (
        <ErrorAlert error={roles.error} onRetry={() => void roles.refetch()} />
      ) : (
        <RolesTable
          roles={roles.data.items}
          canWrite={canWrite}
          onOpen={setOpened}
          onDelete={setDeleting}
        />
      )}
      <Modal
        opened={creating}
        onClose={closeCreate}
        title={t('identity.roles.createTitle')}
        size="lg"
      >
        {create.error && (
          <ErrorAlert error={create.error} title={t('identity.roles.createFailed')} />
        )}
        <RoleForm
          readOnly={false}
          isPending={create.isPending}
          onCancel={closeCreate}
          onSubmit={(input) => create.mutate(input, { onSuccess: closeCreate })}
        />
      </Modal>
      <Modal
        opened={opened !== null}
        onClose={closeEdit}
        title={t('identity.roles.editTitle', { name: opened?.name ?? '' })}
        size="lg"
      >
        {opened && (
          <>
            {update.error && (
              <ErrorAlert error={update.error} title={t('identity.roles.saveFailed')} />
            )}
            <RoleForm
              key={opened.id}
              role={opened}
              readOnly={opened.is_built_in || !canWrite}
              isPending={update.isPending}
              onCancel={closeEdit}
              onSubmit={(input) =>
                update.mutate(
                  {
                    role: opened,
                    body: { description: input.description, permissions: input.permissions },
                  },
                  { onSuccess: closeEdit },
                )
              }
            />
          </>
        )}
      </Modal>
      <Modal
        opened={deleting !== null}
        onClose={closeDelete}
        title={t('identity.roles.deleteTitle', { name: deleting?.name ?? '' })}
      >
        <Stack>
          <Text size="sm">{t('identity.roles.deleteDescription')}</Text>
          {remove.error && (
            <Alert
              color="red"
              variant="light"
              role="alert"
              icon={<IconAlertTriangle aria-hidden />}
            >
              {isApiError(remove.error, 'in_use')
                ? t('identity.roles.inUse', { message: remove.error.message })
                : remove.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={closeDelete}>
              {t('actions.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => deleting && remove.mutate(deleting, { onSuccess: closeDelete })}
            >
              {t('identity.roles.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
