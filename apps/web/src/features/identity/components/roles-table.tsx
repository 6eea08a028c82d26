import type { Role } from '@commander/contracts';
import { Badge, Button, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { roleDescription } from '../role-description.js';

export type RolesTableProps = {
  roles: Role[];
  canWrite: boolean;
  onOpen: (role: Role) => void;
  onDelete: (role: Role) => void;
};

/** Roles with their scope and permissions; built-in ones are marked and read-only. */
export function RolesTable({ roles, canWrite, onOpen, onDelete }: RolesTableProps) {
  const { t } = useTranslation();
  const sorted = [...roles].sort(
    (a, b) =>
      a.scope.localeCompare(b.scope) ||
      Number(b.is_built_in) - Number(a.is_built_in) ||
      a.name.localeCompare(b.name),
  );
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" aria-label={t('identity.roles.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('identity.roles.name')}</Table.Th>
            <Table.Th scope="col">{t('identity.roles.scope')}</Table.Th>
            <Table.Th scope="col">{t('identity.roles.description')}</Table.Th>
            <Table.Th scope="col">{t('identity.roles.permissions')}</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>{t('identity.users.columns.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((role) => {
            const label = `${role.name} (${t(`identity.roles.scopes.${role.scope}`)})`;
            return (
              <Table.Tr key={role.id}>
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm" fw={500} ff="monospace">
                      {role.name}
                    </Text>
                    {role.is_built_in && (
                      <Badge
                        size="sm"
                        variant="light"
                        color="gray"
                        tt="none"
                        leftSection={<IconLock size={10} aria-hidden />}
                      >
                        {t('identity.roles.builtIn')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{t(`identity.roles.scopes.${role.scope}`)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{roleDescription(role, t) || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {t('identity.roles.permissionCount', { count: role.permissions.length })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="subtle"
                      aria-label={
                        role.is_built_in || !canWrite
                          ? t('identity.roles.viewNamed', { role: label })
                          : t('identity.roles.editNamed', { role: label })
                      }
                      onClick={() => onOpen(role)}
                    >
                      {role.is_built_in || !canWrite
                        ? t('identity.roles.view')
                        : t('identity.roles.edit')}
                    </Button>
                    {canWrite && !role.is_built_in && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={t('identity.roles.deleteNamed', { role: label })}
                        onClick={() => onDelete(role)}
                      >
                        {t('identity.roles.delete')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
