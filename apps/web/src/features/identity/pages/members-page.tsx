import { EmptyState, Stack } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { canGlobally, canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { MembersView } from '../components/members-view.js';
import {
  identityQueries,
  useCreateBinding,
  useDeleteBinding,
  useUpdateBinding,
} from '../identity.api.js';

/** `/w/:slug/settings/members`: the workspace's members (workspace_members:*). */
export function MembersPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me, workspace } = useCurrentWorkspace();
  const canRead =
    canInWorkspace(me, slug, 'workspace_members:read') || canGlobally(me, 'role_bindings:read');
  const canWrite =
    canInWorkspace(me, slug, 'workspace_members:write') || canGlobally(me, 'role_bindings:write');
  const canListUsers = canGlobally(me, 'users:read');
  const canListRoles = canGlobally(me, 'roles:read');
  const members = useQuery({
    ...identityQueries.members(slug, workspace?.id ?? ''),
    enabled: canRead && workspace !== null,
  });
  const users = useQuery({ ...identityQueries.users(), enabled: canWrite && canListUsers });
  const roles = useQuery({ ...identityQueries.roles(), enabled: canListRoles });
  const create = useCreateBinding(slug);
  const update = useUpdateBinding(slug);
  const remove = useDeleteBinding(slug);
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('members.title')}
        subtitle={t('members.subtitle', { workspace: workspace?.name ?? slug })}
      />
      {!canRead || workspace === null ? (
        <EmptyState
          icon={<IconLock size={32} aria-hidden />}
          title={t('members.noAccessTitle')}
          description={t('members.noAccessDescription')}
        />
      ) : members.isPending ? (
        <TableSkeleton rows={3} columns={3} />
      ) : members.isError ? (
        <ErrorAlert error={members.error} onRetry={() => void members.refetch()} />
      ) : (
        <MembersView
          members={members.data.items}
          roles={roles.data ? roles.data.items.filter((r) => r.scope === 'workspace') : null}
          users={users.data ? users.data.items : null}
          canWrite={canWrite}
          isBusy={create.isPending || update.isPending || remove.isPending}
          onAdd={(userId, roleId) =>
            create.mutate({ user_id: userId, role_id: roleId, workspace_id: workspace.id })
          }
          onChangeRole={(member, roleId) =>
            update.mutate({ id: member.id, roleId, revision: member.current_revision })
          }
          onRemove={(member) => remove.mutate(member.id)}
        />
      )}
    </Stack>
  );
}
