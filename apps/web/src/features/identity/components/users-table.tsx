import type { User } from '@commander/contracts';
import { ActionIcon, Anchor, Badge, Group, Menu, Table, Text, VisuallyHidden } from '@mantine/core';
import {
  IconBan,
  IconCircleCheck,
  IconDots,
  IconKey,
  IconPlayerPlay,
  IconTrash,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatDateTime } from '../../../lib/format.js';

export type UsersTableProps = {
  users: User[];
  canWrite: boolean;
  /** The signed-in user (who cannot delete or disable themselves here). */
  selfId: string | null;
  onSetPassword: (user: User) => void;
  onToggleDisabled: (user: User) => void;
  onDelete: (user: User) => void;
};

export function UsersTable({
  users,
  canWrite,
  selfId,
  onSetPassword,
  onToggleDisabled,
  onDelete,
}: UsersTableProps) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table verticalSpacing="sm" aria-label={t('identity.users.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('identity.users.columns.user')}</Table.Th>
            <Table.Th scope="col">{t('identity.users.columns.state')}</Table.Th>
            <Table.Th scope="col">{t('identity.users.columns.globalRoles')}</Table.Th>
            <Table.Th scope="col">{t('identity.users.columns.workspaceRoles')}</Table.Th>
            <Table.Th scope="col">{t('identity.users.columns.lastSeen')}</Table.Th>
            {canWrite && (
              <Table.Th scope="col">
                <VisuallyHidden>{t('identity.users.columns.actions')}</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Anchor component={Link} to={`/settings/users/${user.id}`} fw={500}>
                  {user.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {user.email}
                </Text>
              </Table.Td>
              <Table.Td>
                {user.is_disabled ? (
                  <Badge
                    color="gray"
                    variant="light"
                    tt="none"
                    leftSection={<IconBan size={12} aria-hidden />}
                  >
                    {t('identity.users.disabled')}
                  </Badge>
                ) : (
                  <Badge
                    color="teal"
                    variant="light"
                    tt="none"
                    leftSection={<IconCircleCheck size={12} aria-hidden />}
                  >
                    {t('identity.users.active')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {user.global_roles.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  ) : (
                    user.global_roles.map((role) => (
                      <Badge key={role} variant="outline" tt="none">
                        {role}
                      </Badge>
                    ))
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {user.workspace_roles.length === 0
                    ? '—'
                    : user.workspace_roles.map((r) => `${r.workspace_slug}: ${r.role}`).join(', ')}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {user.last_seen_at
                    ? formatDateTime(user.last_seen_at, i18n.language)
                    : t('common.never')}
                </Text>
              </Table.Td>
              {canWrite && (
                <Table.Td>
                  <Menu position="bottom-end">
                    <Menu.Target>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t('identity.users.actionsFor', { user: user.email })}
                      >
                        <IconDots size={16} aria-hidden />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item
                        leftSection={<IconKey size={14} aria-hidden />}
                        onClick={() => onSetPassword(user)}
                      >
                        {t('identity.users.setPassword')}
                      </Menu.Item>
                      <Menu.Item
                        disabled={user.id === selfId}
                        leftSection={
                          user.is_disabled ? (
                            <IconPlayerPlay size={14} aria-hidden />
                          ) : (
                            <IconBan size={14} aria-hidden />
                          )
                        }
                        onClick={() => onToggleDisabled(user)}
                      >
                        {user.is_disabled
                          ? t('identity.users.enable')
                          : t('identity.users.disable')}
                      </Menu.Item>
                      <Menu.Divider />
                      <Menu.Item
                        color="red"
                        disabled={user.id === selfId}
                        leftSection={<IconTrash size={14} aria-hidden />}
                        onClick={() => onDelete(user)}
                      >
                        {t('identity.users.delete')}
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
