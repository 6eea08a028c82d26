import { Button, Stack } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageBreadcrumbs } from '../../../components/ui/page-breadcrumbs.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { UserAccessView, UserBindingsView } from '../components/user-bindings.js';
import {
  identityQueries,
  useCreateBinding,
  useDeleteBinding,
  useEndSessions,
  useUpdateBinding,
} from '../identity.api.js';

/** `/settings/users/:userId`: who the user is and their role bindings. */
export function UserPage() {
  const { t } = useTranslation();
  const { userId = '' } = useParams();
  const me = useQuery(authQueries.me());
  const user = useQuery(identityQueries.user(userId));
  const bindings = useQuery(identityQueries.userBindings(userId));
  const effective = useQuery(identityQueries.effectiveBindings(userId));
  const endSessions = useEndSessions();
  const roles = useQuery(identityQueries.roles());
  const workspaces = useQuery(identityQueries.workspaces());
  const create = useCreateBinding();
  const update = useUpdateBinding();
  const remove = useDeleteBinding();
  const canWrite = canGlobally(me.data, 'role_bindings:write');
  const failed = user.error ?? bindings.error ?? effective.error ?? roles.error ?? workspaces.error;
  return (
    <Stack gap="lg">
      <PageBreadcrumbs
        items={[
          { label: t('identity.users.title'), to: '/settings/users' },
          { label: user.data?.email ?? '…' },
        ]}
      />
      {failed ? (
        <ErrorAlert error={failed} />
      ) : !user.data || !bindings.data || !effective.data || !roles.data || !workspaces.data ? (
        <PageSkeleton />
      ) : (
        <>
          <PageHeader
            title={user.data.name}
            subtitle={user.data.email}
            actions={
              canGlobally(me.data, 'users:write') && (
                <Button
                  variant="light"
                  color="red"
                  leftSection={<IconLogout size={16} aria-hidden />}
                  loading={endSessions.isPending}
                  onClick={() => {
                    const email = user.data.email;
                    if (window.confirm(t('identity.access.endSessionsConfirm', { user: email }))) {
                      endSessions.mutate(userId);
                    }
                  }}
                >
                  {t('identity.access.endSessions')}
                </Button>
              )
            }
          />
          <UserAccessView user={user.data} effective={effective.data} />
          <UserBindingsView
            bindings={bindings.data.items}
            roles={roles.data.items}
            workspaces={workspaces.data.items}
            canWrite={canWrite}
            isBusy={create.isPending || update.isPending || remove.isPending}
            onAdd={(roleId, workspaceId) =>
              create.mutate({ user_id: userId, role_id: roleId, workspace_id: workspaceId })
            }
            onChangeRole={(binding, roleId) =>
              update.mutate({ id: binding.id, roleId, revision: binding.current_revision })
            }
            onRemove={(binding) => remove.mutate(binding.id)}
          />
        </>
      )}
    </Stack>
  );
}
