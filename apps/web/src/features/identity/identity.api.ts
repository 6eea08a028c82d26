import {
  EffectiveBindingSchema,
  EndedSessionsSchema,
  type Group,
  GroupMemberSchema,
  GroupSchema,
  type Role,
  RoleBindingSchema,
  RoleSchema,
  type User,
  UserSchema,
  type Workspace,
  WorkspaceSchema,
} from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { authQueries } from '../auth/auth.api.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** Installation-wide data (users, roles, bindings) lives under this key. */
const GLOBAL = ['global'] as const;

export const identityQueries = {
  users: () =>
    queryOptions({
      queryKey: [...GLOBAL, 'users', 'list'] as const,
      queryFn: ({ signal }) => api.list('/users', { schema: UserSchema, signal }),
    }),
  user: (userId: string) =>
    queryOptions({
      queryKey: [...GLOBAL, 'users', 'detail', userId] as const,
      queryFn: ({ signal }) => api.get(`/users/${userId}`, { schema: UserSchema, signal }),
    }),
  roles: () =>
    queryOptions({
      queryKey: [...GLOBAL, 'roles', 'list'] as const,
      queryFn: ({ signal }) => api.list('/roles', { schema: RoleSchema, signal }),
    }),
  /** Bindings of one user (all scopes). */
  userBindings: (userId: string) =>
    queryOptions({
      queryKey: [...GLOBAL, 'role-bindings', { userId }] as const,
      queryFn: ({ signal }) =>
        api.list('/role_bindings', {
          schema: RoleBindingSchema,
          query: { user_id: userId },
          signal,
        }),
    }),
  /** A workspace's members (asked inside the workspace, so its admins may read them). */
  members: (slug: string, workspaceId: string) =>
    queryOptions({
      queryKey: [...workspaceQueries.scope(slug), 'members', workspaceId] as const,
      queryFn: ({ signal }) =>
        api.list('/role_bindings', {
          schema: RoleBindingSchema,
          workspace: slug,
          query: { workspace_id: workspaceId },
          signal,
        }),
    }),
  /** Every workspace, for administrators (including their cluster counts). */
  workspaces: () => workspaceQueries.list(),
  /** Where a user's permissions come from: their bindings and their groups'. */
  effectiveBindings: (userId: string) =>
    queryOptions({
      queryKey: [...GLOBAL, 'users', 'effective', userId] as const,
      queryFn: ({ signal }) =>
        api.get(`/users/${userId}/effective_bindings`, {
          schema: z.array(EffectiveBindingSchema),
          signal,
        }),
    }),
  groups: () =>
    queryOptions({
      queryKey: [...GLOBAL, 'groups', 'list'] as const,
      queryFn: ({ signal }) => api.list('/groups', { schema: GroupSchema, signal }),
    }),
  group: (groupId: string) =>
    queryOptions({
      queryKey: [...GLOBAL, 'groups', 'detail', groupId] as const,
      queryFn: ({ signal }) => api.get(`/groups/${groupId}`, { schema: GroupSchema, signal }),
    }),
  groupMembers: (groupId: string) =>
    queryOptions({
      queryKey: [...GLOBAL, 'groups', 'members', groupId] as const,
      queryFn: ({ signal }) =>
        api.get(`/groups/${groupId}/members`, { schema: z.array(GroupMemberSchema), signal }),
    }),
  /** Bindings of one group (all scopes). */
  groupBindings: (groupId: string) =>
    queryOptions({
      queryKey: [...GLOBAL, 'role-bindings', { groupId }] as const,
      queryFn: ({ signal }) =>
        api.list('/role_bindings', {
          schema: RoleBindingSchema,
          query: { group_id: groupId },
          signal,
        }),
    }),
};

/** Users, roles and bindings change together (roles are listed on users): refetch them all. */
function useRefreshIdentity() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: GLOBAL }),
      queryClient.invalidateQueries({ queryKey: workspaceQueries.all() }),
      // The caller's own permissions may have changed.
      queryClient.invalidateQueries({ queryKey: authQueries.me().queryKey }),
    ]);
}

export type CreateUserInput = { email: string; name: string; password: string };
export type UpdateUserInput = { name?: string; is_disabled?: boolean; password?: string };

export function useCreateUser() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (body: CreateUserInput) => api.post('/users', { body, schema: UserSchema }),
    meta: { successMessage: t('identity.users.created'), notifyError: false },
    onSuccess: refresh,
  });
}

export function useUpdateUser(successMessage: string) {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: ({ user, body }: { user: User; body: UpdateUserInput }) =>
      api.put(`/users/${user.id}`, { body, schema: UserSchema }),
    meta: { successMessage, errorTitle: t('identity.users.updateFailed') },
    onSuccess: refresh,
  });
}

export function useDeleteUser() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (user: User) => api.delete(`/users/${user.id}`, { schema: z.null() }),
    meta: {
      successMessage: t('identity.users.deleted'),
      errorTitle: t('identity.users.deleteFailed'),
    },
    onSuccess: refresh,
  });
}

export type RoleInput = {
  name: string;
  scope: 'global' | 'workspace';
  description: string;
  permissions: string[];
};

export function useCreateRole() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (body: RoleInput) => api.post('/roles', { body, schema: RoleSchema }),
    meta: { successMessage: t('identity.roles.created'), notifyError: false },
    onSuccess: refresh,
  });
}

export function useUpdateRole() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: ({
      role,
      body,
    }: {
      role: Role;
      body: { description: string; permissions: string[] };
    }) => api.put(`/roles/${role.id}`, { body, schema: RoleSchema }),
    meta: { successMessage: t('identity.roles.saved'), notifyError: false },
    onSuccess: refresh,
  });
}

export function useDeleteRole() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (role: Role) => api.delete(`/roles/${role.id}`, { schema: z.null() }),
    // The dialog explains a 409 (the role is still bound).
    meta: { successMessage: t('identity.roles.deleted'), notifyError: false },
    onSuccess: refresh,
  });
}

export type BindingInput = {
  user_id?: string;
  group_id?: string;
  role_id: string;
  workspace_id?: string | null;
};

/** Role bindings; `slug` when a workspace admin manages the workspace's members. */
export function useCreateBinding(slug?: string) {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (body: BindingInput) =>
      api.post('/role_bindings', { body, schema: RoleBindingSchema, workspace: slug }),
    meta: {
      successMessage: t('identity.bindings.added'),
      errorTitle: t('identity.bindings.failed'),
    },
    onSuccess: refresh,
  });
}

export function useUpdateBinding(slug?: string) {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: ({ id, roleId, revision }: { id: string; roleId: string; revision: number }) =>
      api.put(`/role_bindings/${id}`, {
        body: { role_id: roleId, current_revision: revision },
        schema: RoleBindingSchema,
        workspace: slug,
      }),
    meta: {
      successMessage: t('identity.bindings.changed'),
      errorTitle: t('identity.bindings.failed'),
    },
    onSuccess: refresh,
  });
}

export function useDeleteBinding(slug?: string) {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (id: string) =>
      api.delete(`/role_bindings/${id}`, { schema: z.null(), workspace: slug }),
    meta: {
      successMessage: t('identity.bindings.removed'),
      errorTitle: t('identity.bindings.failed'),
    },
    onSuccess: refresh,
  });
}

export function useRenameWorkspace() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: ({ workspace, name }: { workspace: Workspace; name: string }) =>
      api.put(`/workspaces/${workspace.id}`, {
        body: { name, current_revision: workspace.current_revision },
        schema: WorkspaceSchema,
      }),
    meta: { successMessage: t('identity.workspaces.renamed'), notifyError: false },
    onSuccess: refresh,
  });
}

export function useDeleteWorkspace() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (workspace: Workspace) =>
      api.delete(`/workspaces/${workspace.id}`, { schema: z.null() }),
    // The dialog explains a 409 (workspace_not_empty).
    meta: { successMessage: t('identity.workspaces.deleted'), notifyError: false },
    onSuccess: refresh,
  });
}

/** Changes the signed-in user's password; the form shows a wrong current password itself. */
export function useChangePassword() {
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      api.post('/auth/password', { body, schema: z.null(), redirectOnUnauthorized: false }),
    meta: { successMessage: t('password.changed'), notifyError: false },
  });
}

export function useCreateGroup() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (body: { name: string; description: string; provider: string }) =>
      api.post('/groups', { body, schema: GroupSchema }),
    meta: { successMessage: t('identity.groups.created'), notifyError: false },
    onSuccess: refresh,
  });
}

export function useDeleteGroup() {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (group: Group) => api.delete(`/groups/${group.id}`, { schema: z.null() }),
    meta: { successMessage: t('identity.groups.deleted') },
    onSuccess: refresh,
  });
}

export function useAddGroupMember(groupId: string) {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (userId: string) =>
      api.post(`/groups/${groupId}/members`, {
        body: { user_id: userId },
        schema: z.array(GroupMemberSchema),
      }),
    meta: { successMessage: t('identity.groups.memberAdded') },
    onSuccess: refresh,
  });
}

export function useRemoveGroupMember(groupId: string) {
  const { t } = useTranslation();
  const refresh = useRefreshIdentity();
  return useMutation({
    mutationFn: (userId: string) =>
      api.delete(`/groups/${groupId}/members/${userId}`, { schema: z.null() }),
    meta: { successMessage: t('identity.groups.memberRemoved') },
    onSuccess: refresh,
  });
}

/** An administrator ends every session of a user. */
export function useEndSessions() {
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (userId: string) =>
      api.delete(`/users/${userId}/sessions`, { schema: EndedSessionsSchema }),
    meta: { successMessage: t('identity.access.sessionsEnded') },
  });
}
