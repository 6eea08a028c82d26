import type { Role, RoleBinding, User } from '@commander/contracts';
import { Alert, Button, EmptyState, Group, Select, Stack, Table } from '@mantine/core';
import { IconInfoCircle, IconPlus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { BindingsTable } from './bindings-table.js';

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
          <BindingsTable
            bindings={members}
            label={t('members.tableLabel')}
            subjectHeader={t('members.member')}
            roleHeader={t('members.role')}
            subjectOf={(m) =>
              m.user_email ?? t('members.groupSubject', { group: m.group_name ?? '' })
            }
            roles={roles}
            canWrite={canWrite}
            roleSelectLabel={(user) => t('members.roleOf', { user })}
            removeLabel={(user) => t('members.remove', { user })}
            onChangeRole={onChangeRole}
            onRemove={onRemove}
          />
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
