import type { EffectiveBinding, Role, RoleBinding, User, Workspace } from '@commander/contracts';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { BindingsTable } from './bindings-table.js';
import { GroupSource } from './group-source.js';

/** The user's groups, and every role they hold with where it comes from. */
export function UserAccessView({ user, effective }: { user: User; effective: EffectiveBinding[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="user-groups">
        <Stack gap="sm">
          <Title order={2} size="h5" id="user-groups">
            {t('identity.access.groupsTitle')}
          </Title>
          {user.groups.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('identity.access.noGroups')}
            </Text>
          ) : (
            <Group gap="xs">
              {user.groups.map((g) => (
                <Group key={g.id} gap={4}>
                  <Anchor component={Link} to={`/settings/groups/${g.id}`} size="sm">
                    {g.name}
                  </Anchor>
                  <GroupSource group={g} />
                </Group>
              ))}
            </Group>
          )}
          {user.identities.length > 0 && (
            <Text size="sm" c="dimmed">
              {t('identity.access.identities')}:{' '}
              {user.identities.map((i) => `${i.provider} (${i.subject})`).join(', ')}
            </Text>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="user-effective">
        <Stack gap="sm">
          <Title order={2} size="h5" id="user-effective">
            {t('identity.access.effectiveTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('identity.access.effectiveHelp')}
          </Text>
          {effective.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('identity.access.none')}
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label={t('identity.access.effectiveTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('identity.bindings.role')}</Table.Th>
                  <Table.Th scope="col">{t('identity.access.scope')}</Table.Th>
                  <Table.Th scope="col">{t('identity.access.via')}</Table.Th>
                  <Table.Th scope="col">{t('identity.access.permissions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {effective.map((b) => (
                  <Table.Tr key={b.binding_id}>
                    <Table.Td>{b.role_name}</Table.Td>
                    <Table.Td>{b.workspace_slug ?? t('identity.access.global')}</Table.Td>
                    <Table.Td>
                      {b.via === 'user' ? (
                        t('identity.access.direct')
                      ) : (
                        <Anchor component={Link} to={`/settings/groups/${b.group_id ?? ''}`}>
                          {t('identity.access.viaGroup', { group: b.group_name ?? '' })}
                        </Anchor>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {[...b.permissions].sort().join(', ')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

export type UserBindingsViewProps = {
  bindings: RoleBinding[];
  roles: Role[];
  workspaces: Workspace[];
  canWrite: boolean;
  isBusy: boolean;
  onAdd: (roleId: string, workspaceId: string | null) => void;
  onChangeRole: (binding: RoleBinding, roleId: string) => void;
  onRemove: (binding: RoleBinding) => void;
};

/** A user's global roles and, per workspace, their workspace role. */
export function UserBindingsView({
  bindings,
  roles,
  workspaces,
  canWrite,
  isBusy,
  onAdd,
  onChangeRole,
  onRemove,
}: UserBindingsViewProps) {
  const { t } = useTranslation();
  const [globalRole, setGlobalRole] = useState<string | null>(null);
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  const [workspaceRole, setWorkspaceRole] = useState<string | null>(null);
  const globalRoles = roles.filter((r) => r.scope === 'global');
  const workspaceRoles = roles.filter((r) => r.scope === 'workspace');
  const global = bindings.filter((b) => b.scope === 'global');
  const local = bindings.filter((b) => b.scope === 'workspace');
  const workspaceName = (id: string | null) =>
    workspaces.find((w) => w.id === id)?.name ?? id ?? '—';
  const freeGlobal = globalRoles.filter((r) => !global.some((b) => b.role_id === r.id));
  const freeWorkspaces = workspaces.filter((w) => !local.some((b) => b.workspace_id === w.id));
  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="user-global-roles">
        <Stack gap="sm">
          <Title order={2} size="h5" id="user-global-roles">
            {t('identity.bindings.globalTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('identity.bindings.globalHelp')}
          </Text>
          {global.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('identity.bindings.noGlobal')}
            </Text>
          ) : (
            <Group gap="xs">
              {global.map((b) => (
                <Badge
                  key={b.id}
                  size="lg"
                  variant="light"
                  tt="none"
                  rightSection={
                    canWrite ? (
                      <ActionIcon
                        size="xs"
                        variant="transparent"
                        color="red"
                        aria-label={t('identity.bindings.removeGlobal', { role: b.role_name })}
                        onClick={() => onRemove(b)}
                      >
                        <IconTrash size={12} aria-hidden />
                      </ActionIcon>
                    ) : null
                  }
                >
                  {b.role_name}
                </Badge>
              ))}
            </Group>
          )}
          {canWrite && freeGlobal.length > 0 && (
            <Group align="flex-end">
              <Select
                label={t('identity.bindings.globalRole')}
                data={freeGlobal.map((r) => ({ value: r.id, label: r.name }))}
                value={globalRole}
                onChange={setGlobalRole}
                w={240}
              />
              <Button
                variant="default"
                leftSection={<IconPlus size={16} aria-hidden />}
                disabled={globalRole === null}
                loading={isBusy}
                onClick={() => {
                  if (globalRole !== null) {
                    onAdd(globalRole, null);
                    setGlobalRole(null);
                  }
                }}
              >
                {t('identity.bindings.addGlobal')}
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="user-workspace-roles">
        <Stack gap="sm">
          <Title order={2} size="h5" id="user-workspace-roles">
            {t('identity.bindings.workspaceTitle')}
          </Title>
          {local.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('identity.bindings.noWorkspace')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <BindingsTable
                bindings={local}
                label={t('identity.bindings.workspaceTitle')}
                subjectHeader={t('identity.bindings.workspace')}
                roleHeader={t('identity.bindings.role')}
                subjectOf={(b) => workspaceName(b.workspace_id)}
                roles={workspaceRoles}
                canWrite={canWrite}
                roleSelectLabel={(workspace) => t('identity.bindings.roleIn', { workspace })}
                removeLabel={(workspace) => t('identity.bindings.removeFrom', { workspace })}
                onChangeRole={onChangeRole}
                onRemove={onRemove}
                verticalSpacing="xs"
              />
            </Table.ScrollContainer>
          )}
          {canWrite && freeWorkspaces.length > 0 && (
            <Group align="flex-end">
              <Select
                label={t('identity.bindings.workspace')}
                data={freeWorkspaces.map((w) => ({ value: w.id, label: w.name }))}
                value={workspaceId}
                onChange={setWorkspaceId}
                searchable
                w={240}
              />
              <Select
                label={t('identity.bindings.role')}
                data={workspaceRoles.map((r) => ({ value: r.id, label: r.name }))}
                value={workspaceRole}
                onChange={setWorkspaceRole}
                w={200}
              />
              <Button
                variant="default"
                leftSection={<IconPlus size={16} aria-hidden />}
                disabled={workspaceId === null || workspaceRole === null}
                loading={isBusy}
                onClick={() => {
                  if (workspaceId !== null && workspaceRole !== null) {
                    onAdd(workspaceRole, workspaceId);
                    setWorkspaceId(null);
                    setWorkspaceRole(null);
                  }
                }}
              >
                {t('identity.bindings.addWorkspace')}
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
