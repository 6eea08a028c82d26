import {
  ActionIcon,
  Anchor,
  Button,
  Group as Row,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageBreadcrumbs } from '../../../components/ui/page-breadcrumbs.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { GroupSource } from '../components/group-source.js';
import { UserBindingsView } from '../components/user-bindings.js';
import {
  identityQueries,
  useAddGroupMember,
  useCreateBinding,
  useCreateGroup,
  useDeleteBinding,
  useDeleteGroup,
  useRemoveGroupMember,
  useUpdateBinding,
} from '../identity.api.js';

function CreateGroupForm() {
  const { t } = useTranslation();
  const create = useCreateGroup();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [provider, setProvider] = useState('local');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="create-group">
      <Stack gap="sm">
        <Title order={2} size="h5" id="create-group">
          {t('identity.groups.createTitle')}
        </Title>
        {create.error && <ErrorAlert error={create.error} />}
        <Row align="flex-end">
          <TextInput
            label={t('identity.groups.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={220}
          />
          <TextInput
            label={t('identity.groups.description')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            w={260}
          />
          <TextInput
            label={t('identity.groups.provider')}
            description={t('identity.groups.providerHelp')}
            value={provider}
            onChange={(e) => setProvider(e.currentTarget.value)}
            w={260}
          />
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            disabled={name.trim() === ''}
            loading={create.isPending}
            onClick={() =>
              create.mutate(
                { name: name.trim(), description, provider: provider.trim() || 'local' },
                {
                  onSuccess: () => {
                    setName('');
                    setDescription('');
                  },
                },
              )
            }
          >
            {t('identity.groups.create')}
          </Button>
        </Row>
      </Stack>
    </Paper>
  );
}

/** `/settings/groups`: local groups and the identity providers' groups. */
export function GroupsPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const groups = useQuery(identityQueries.groups());
  const canWrite = canGlobally(me.data, 'users:write');
  return (
    <Stack gap="lg">
      <PageHeader title={t('identity.groups.title')} subtitle={t('identity.groups.subtitle')} />
      {canWrite && <CreateGroupForm />}
      {groups.error ? (
        <ErrorAlert error={groups.error} />
      ) : !groups.data ? (
        <PageSkeleton />
      ) : groups.data.items.length === 0 ? (
        <Text c="dimmed">{t('identity.groups.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" aria-label={t('identity.groups.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('identity.groups.columns.name')}</Table.Th>
                <Table.Th scope="col">{t('identity.groups.columns.source')}</Table.Th>
                <Table.Th scope="col">{t('identity.groups.columns.members')}</Table.Th>
                <Table.Th scope="col">{t('identity.groups.columns.description')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.data.items.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/settings/groups/${g.id}`} fw={500}>
                      {g.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <GroupSource group={g} />
                  </Table.Td>
                  <Table.Td>{g.member_count}</Table.Td>
                  <Table.Td>{g.description}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** `/settings/groups/:groupId`: members (as of their last sign-in for IdP groups) and roles. */
export function GroupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { groupId = '' } = useParams();
  const me = useQuery(authQueries.me());
  const group = useQuery(identityQueries.group(groupId));
  const members = useQuery(identityQueries.groupMembers(groupId));
  const bindings = useQuery(identityQueries.groupBindings(groupId));
  const roles = useQuery(identityQueries.roles());
  const workspaces = useQuery(identityQueries.workspaces());
  const canWriteUsers = canGlobally(me.data, 'users:write');
  const users = useQuery({ ...identityQueries.users(), enabled: canWriteUsers });
  const add = useAddGroupMember(groupId);
  const removeMember = useRemoveGroupMember(groupId);
  const deleteGroup = useDeleteGroup();
  const create = useCreateBinding();
  const update = useUpdateBinding();
  const remove = useDeleteBinding();
  const [userId, setUserId] = useState<string | null>(null);
  const canBind = canGlobally(me.data, 'role_bindings:write');
  const failed = group.error ?? members.error ?? bindings.error ?? roles.error ?? workspaces.error;
  const local = group.data?.is_local === true;
  return (
    <Stack gap="lg">
      <PageBreadcrumbs
        items={[
          { label: t('identity.groups.title'), to: '/settings/groups' },
          { label: group.data?.name ?? '…' },
        ]}
      />
      {failed ? (
        <ErrorAlert error={failed} />
      ) : !group.data || !members.data || !bindings.data || !roles.data || !workspaces.data ? (
        <PageSkeleton />
      ) : (
        <>
          <PageHeader
            title={group.data.name}
            badges={<GroupSource group={group.data} />}
            subtitle={group.data.description || undefined}
            actions={
              canWriteUsers && (
                <Button
                  color="red"
                  variant="light"
                  leftSection={<IconTrash size={16} aria-hidden />}
                  loading={deleteGroup.isPending}
                  onClick={() => {
                    if (
                      window.confirm(t('identity.groups.deleteConfirm', { name: group.data.name }))
                    ) {
                      deleteGroup.mutate(group.data, {
                        onSuccess: () => void navigate('/settings/groups'),
                      });
                    }
                  }}
                >
                  {t('identity.groups.delete')}
                </Button>
              )
            }
          />
          <Paper withBorder p="md" component="section" aria-labelledby="group-members">
            <Stack gap="sm">
              <Title order={2} size="h5" id="group-members">
                {t('identity.groups.members')}
              </Title>
              {!local && (
                <Text size="sm" c="dimmed">
                  {t('identity.groups.readOnly', { provider: group.data.provider })}
                </Text>
              )}
              {members.data.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('identity.groups.noMembers')}
                </Text>
              ) : (
                <Table verticalSpacing="xs" aria-label={t('identity.groups.members')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('identity.groups.user')}</Table.Th>
                      <Table.Th scope="col">{t('identity.groups.addedAt')}</Table.Th>
                      {local && canWriteUsers && (
                        <Table.Th scope="col">
                          <VisuallyHidden>{t('identity.users.columns.actions')}</VisuallyHidden>
                        </Table.Th>
                      )}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {members.data.map((m) => (
                      <Table.Tr key={m.user_id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/settings/users/${m.user_id}`}>
                            {m.email}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{new Date(m.added_at).toLocaleString()}</Table.Td>
                        {local && canWriteUsers && (
                          <Table.Td>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={t('identity.groups.removeMember', { user: m.email })}
                              onClick={() => removeMember.mutate(m.user_id)}
                            >
                              <IconTrash size={16} aria-hidden />
                            </ActionIcon>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
              {local && canWriteUsers && users.data && (
                <Row align="flex-end">
                  <Select
                    label={t('identity.groups.user')}
                    data={users.data.items
                      .filter((u) => !members.data.some((m) => m.user_id === u.id))
                      .map((u) => ({ value: u.id, label: u.email }))}
                    value={userId}
                    onChange={setUserId}
                    searchable
                    w={280}
                  />
                  <Button
                    variant="default"
                    leftSection={<IconPlus size={16} aria-hidden />}
                    disabled={userId === null}
                    loading={add.isPending}
                    onClick={() => {
                      if (userId !== null) {
                        add.mutate(userId);
                        setUserId(null);
                      }
                    }}
                  >
                    {t('identity.groups.addMember')}
                  </Button>
                </Row>
              )}
            </Stack>
          </Paper>
          <Title order={2} size="h4">
            {t('identity.groups.bindings')}
          </Title>
          <UserBindingsView
            bindings={bindings.data.items}
            roles={roles.data.items}
            workspaces={workspaces.data.items}
            canWrite={canBind}
            isBusy={create.isPending || update.isPending || remove.isPending}
            onAdd={(roleId, workspaceId) =>
              create.mutate({ group_id: groupId, role_id: roleId, workspace_id: workspaceId })
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
