import type { User } from '@commander/contracts';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { CreateUserModal, SetPasswordModal } from '../components/user-forms.js';
import { UsersTable } from '../components/users-table.js';
import { identityQueries, useDeleteUser, useUpdateUser } from '../identity.api.js';

/** `/settings/users`: the installation's users (users:read), managed with users:write. */
export function UsersPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const users = useQuery(identityQueries.users());
  const canWrite = canGlobally(me.data, 'users:write');
  const [creating, { open, close }] = useDisclosure(false);
  const [passwordFor, setPasswordFor] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const toggle = useUpdateUser(t('identity.users.updated'));
  const remove = useDeleteUser();
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('identity.users.title')}
        subtitle={t('identity.users.subtitle')}
        actions={
          <>
            {canWrite && (
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
                {t('identity.users.create')}
              </Button>
            )}
          </>
        }
      />
      {users.isPending ? (
        <TableSkeleton rows={4} columns={5} />
      ) : users.isError ? (
        <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <UsersTable
          users={users.data.items}
          canWrite={canWrite}
          selfId={me.data?.user?.id ?? null}
          onSetPassword={setPasswordFor}
          onToggleDisabled={(user) =>
            toggle.mutate({ user, body: { is_disabled: !user.is_disabled } })
          }
          onDelete={setDeleting}
        />
      )}
      {canWrite && <CreateUserModal opened={creating} onClose={close} />}
      <SetPasswordModal user={passwordFor} onClose={() => setPasswordFor(null)} />
      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t('identity.users.deleteTitle', { user: deleting?.email ?? '' })}
      >
        <Stack>
          <Text size="sm">{t('identity.users.deleteDescription')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('actions.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() =>
                deleting && remove.mutate(deleting, { onSuccess: () => setDeleting(null) })
              }
            >
              {t('identity.users.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
