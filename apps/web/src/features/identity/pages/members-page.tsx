import type { Role, RoleBinding, User } from '@commander/contracts';
import {
  ActionIcon,
  Alert,
  Button,
  EmptyState,
  Group,
  Select,
  Stack,
  Table,
  VisuallyHidden,
} from '@mantine/core';
import { IconInfoCircle, IconLock, IconPlus, IconTrash, IconUsers } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { canGlobally, canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import {
  identityQueries,
  useCreateBinding,
  useDeleteBinding,
  useUpdateBinding,
} from '../identity.api.js';

export type MembersViewProps = {
  members: RoleBinding[];
  /** Workspace roles to choose from; null when the caller cannot list roles. */
  roles: Role[] | null;
  /** Users who can be added; null when the caller cannot list users. */
  users: User[] | null;
  canWrite: boolean;
  isBusy: boolean;
  onAdd: (userId: string, roleId: string) => void;
  onChangeRole: (member: RoleBinding, roleId: string) => void;
  onRemove: (member: RoleBinding) => void;
};

/** Users bound to workspace roles here: change their role, remove them, add others. */
export function MembersView({
  members,
  roles,
  users,
  canWrite,
  isBusy,
  onAdd,
  onChangeRole,
  onRemove,
}: MembersViewProps) {
  const { t } = useTranslation();
  const [userId, setUserId] = useState<string | null>(null);
  const [roleId, setRoleId] = useState<string | null>(null);
  const roleOptions = (roles ?? []).map((r) => ({ value: r.id, label: r.name }));
  const candidates = (users ?? []).filter(
    (u) => !u.is_disabled && !members.some((m) => m.user_id === u.id),
  );
  return (
    <Stack gap="md">
      {members.length === 0 ? (
        <EmptyState
          icon={<IconUsers size={32} aria-hidden />}
          title={t('members.emptyTitle')}
          description={t('members.emptyDescription')}
        />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" aria-label={t('members.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('members.member')}</Table.Th>
                <Table.Th scope="col">{t('members.role')}</Table.Th>
                {canWrite && (
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('identity.users.columns.actions')}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.map((m) => {
                const subject =
                  m.user_email ?? t('members.groupSubject', { group: m.group_name ?? '' });
                return (
                  <Table.Tr key={m.id}>
                    <Table.Td>{subject}</Table.Td>
                    <Table.Td>
                      {canWrite && roles !== null ? (
                        <Select
                          size="xs"
                          w={200}
                          aria-label={t('members.roleOf', { user: subject })}
                          data={roleOptions}
                          value={m.role_id}
                          allowDeselect={false}
                          onChange={(value) =>
                            value && value !== m.role_id && onChangeRole(m, value)
                          }
                        />
                      ) : (
                        m.role_name
                      )}
                    </Table.Td>
                    {canWrite && (
                      <Table.Td>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('members.remove', { user: subject })}
                          onClick={() => onRemove(m)}
                        >
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canWrite &&
        (users !== null && roles !== null ? (
          <Group align="flex-end">
            <Select
              label={t('members.user')}
              data={candidates.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
              value={userId}
              onChange={setUserId}
              searchable
              nothingFoundMessage={t('members.noCandidates')}
              w={320}
            />
            <Select
              label={t('members.role')}
              data={roleOptions}
              value={roleId}
              onChange={setRoleId}
              w={200}
            />
            <Button
              leftSection={<IconPlus size={16} aria-hidden />}
              disabled={userId === null || roleId === null}
              loading={isBusy}
              onClick={() => {
                if (userId !== null && roleId !== null) {
                  onAdd(userId, roleId);
                  setUserId(null);
                  setRoleId(null);
                }
              }}
            >
              {t('members.add')}
            </Button>
          </Group>
        ) : (
          <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />}>
            {t('members.addNeedsAdmin')}
          </Alert>
        ))}
    </Stack>
  );
}

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
