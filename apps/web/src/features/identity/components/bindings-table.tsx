import type { Role, RoleBinding } from '@commander/contracts';
import { ActionIcon, Select, Table, VisuallyHidden } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export type BindingsTableProps = {
  bindings: RoleBinding[];
  /** The table's accessible name. */
  label: string;
  /** Heads of the subject and role columns ("Member", "Role"; "Workspace", "Role"). */
  subjectHeader: string;
  roleHeader: string;
  /** Who or where a binding is about (a user's email, a group, a workspace's name). */
  subjectOf: (binding: RoleBinding) => string;
  /** Roles to switch to; null when the caller may not list them (the role shows as text). */
  roles: Role[] | null;
  canWrite: boolean;
  /** Accessible names of a row's role select and remove button. */
  roleSelectLabel: (subject: string) => string;
  removeLabel: (subject: string) => string;
  onChangeRole: (binding: RoleBinding, roleId: string) => void;
  onRemove: (binding: RoleBinding) => void;
  verticalSpacing?: 'xs' | 'sm';
};

/** Role bindings as rows: who or where, the role (a select for writers), a remove button. */
export function BindingsTable({
  bindings,
  label,
  subjectHeader,
  roleHeader,
  subjectOf,
  roles,
  canWrite,
  roleSelectLabel,
  removeLabel,
  onChangeRole,
  onRemove,
  verticalSpacing = 'sm',
}: BindingsTableProps) {
  const { t } = useTranslation();
  const roleOptions = (roles ?? []).map((r) => ({ value: r.id, label: r.name }));
  return (
    <Table verticalSpacing={verticalSpacing} aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{subjectHeader}</Table.Th>
          <Table.Th scope="col">{roleHeader}</Table.Th>
          {canWrite && (
            <Table.Th scope="col">
              <VisuallyHidden>{t('identity.users.columns.actions')}</VisuallyHidden>
            </Table.Th>
          )}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {bindings.map((b) => {
          const subject = subjectOf(b);
          return (
            <Table.Tr key={b.id}>
              <Table.Td>{subject}</Table.Td>
              <Table.Td>
                {canWrite && roles !== null ? (
                  <Select
                    size="xs"
                    w={200}
                    aria-label={roleSelectLabel(subject)}
                    data={roleOptions}
                    value={b.role_id}
                    allowDeselect={false}
                    onChange={(value) => value && value !== b.role_id && onChangeRole(b, value)}
                  />
                ) : (
                  b.role_name
                )}
              </Table.Td>
              {canWrite && (
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={removeLabel(subject)}
                    onClick={() => onRemove(b)}
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
  );
}
