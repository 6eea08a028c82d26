import {
  AddGroupMemberBodySchema,
  ChangePasswordBodySchema,
  CreateGroupBodySchema,
  CreateRoleBindingBodySchema,
  CreateRoleBodySchema,
  CreateUserBodySchema,
  EffectiveBindingSchema,
  EndedSessionsSchema,
  GroupMemberSchema,
  GroupSchema,
  IdParamsSchema,
  ListBindingsQuerySchema,
  RoleBindingSchema,
  RoleSchema,
  RoleScopeSchema,
  UpdateGroupBodySchema,
  UpdateRoleBindingBodySchema,
  UpdateRoleBodySchema,
  UpdateUserBodySchema,
  UserSchema,
} from '@commander/contracts';
import {
  addGroupMember,
  changeOwnPassword,
  createGroup,
  createRole,
  createRoleBinding,
  createUser,
  deleteGroup,
  deleteRole,
  deleteRoleBinding,
  deleteUser,
  endUserSessions,
  getGroup,
  getRoleBinding,
  getUser,
  listGroupMembers,
  listGroups,
  listRoleBindings,
  listRoles,
  listUsers,
  removeGroupMember,
  updateGroup,
  updateRole,
  updateRoleBinding,
  updateUser,
  userEffectiveBindings,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'users:read' },
      schema: { tags: ['users'], summary: 'List users', response: { 200: z.array(UserSchema) } },
    },
    async (request) => listUsers(request.ctx),
  );
  app.post(
    '/',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: CreateUserBodySchema,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createUser(request.ctx, request.body)),
  );
  app.get(
    '/:id',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary: 'Get a user',
        params: IdParamsSchema,
        response: { 200: UserSchema },
      },
    },
    async (request) => getUser(request.ctx, request.params.id),
  );
  app.put(
    '/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Rename, disable, or set a new password',
        params: IdParamsSchema,
        body: UpdateUserBodySchema,
        response: { 200: UserSchema },
      },
    },
    async (request) => updateUser(request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Delete a user',
        params: IdParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteUser(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/:id/effective_bindings',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['users'],
        summary:
          "A user's bindings, direct and through their groups (where each permission comes from)",
        params: IdParamsSchema,
        response: { 200: z.array(EffectiveBindingSchema) },
      },
    },
    async (request) => userEffectiveBindings(request.ctx, request.params.id),
  );
  app.delete(
    '/:id/sessions',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'End every session of a user (they sign in again; their API tokens are untouched)',
        params: IdParamsSchema,
        response: { 200: EndedSessionsSchema },
      },
    },
    async (request) => ({ ended: await endUserSessions(request.ctx, request.params.id) }),
  );
};

const GroupParamsSchema = z.object({ id: z.uuid() });
const MemberParamsSchema = z.object({ id: z.uuid(), user_id: z.uuid() });

/** Groups: local ones managed here, IdP ones listed read-only (members set at each sign-in). */
export const groupRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['groups'],
        summary: 'List groups (local, and those identity providers reported) (?provider=)',
        querystring: z.object({ provider: z.string().max(63).optional() }),
        response: { 200: z.array(GroupSchema) },
      },
    },
    async (request) => listGroups(request.ctx, { provider: request.query.provider }),
  );
  app.post(
    '/',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['groups'],
        summary: 'Create a local group',
        body: CreateGroupBodySchema,
        response: { 201: GroupSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createGroup(request.ctx, request.body)),
  );
  app.get(
    '/:id',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['groups'],
        summary: 'Get a group',
        params: GroupParamsSchema,
        response: { 200: GroupSchema },
      },
    },
    async (request) => getGroup(request.ctx, request.params.id),
  );
  app.put(
    '/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['groups'],
        summary: 'Rename a local group, or change a description',
        params: GroupParamsSchema,
        body: UpdateGroupBodySchema,
        response: { 200: GroupSchema },
      },
    },
    async (request) => updateGroup(request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['groups'],
        summary: 'Delete a group with its memberships and bindings',
        params: GroupParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteGroup(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/:id/members',
    {
      config: { permission: 'users:read' },
      schema: {
        tags: ['groups'],
        summary: 'Members (of an IdP group: as of their last sign-in)',
        params: GroupParamsSchema,
        response: { 200: z.array(GroupMemberSchema) },
      },
    },
    async (request) => listGroupMembers(request.ctx, request.params.id),
  );
  app.post(
    '/:id/members',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['groups'],
        summary: 'Add a user to a local group',
        params: GroupParamsSchema,
        body: AddGroupMemberBodySchema,
        response: { 201: z.array(GroupMemberSchema) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addGroupMember(request.ctx, request.params.id, request.body)),
  );
  app.delete(
    '/:id/members/:user_id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['groups'],
        summary: 'Remove a user from a local group',
        params: MemberParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeGroupMember(request.ctx, request.params.id, request.params.user_id);
      return reply.code(204).send(null);
    },
  );
};

export const passwordRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/',
    {
      config: { authenticated: true },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (other sessions end)',
        body: ChangePasswordBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const session = request.principal?.kind === 'user' ? request.principal.session : null;
      await changeOwnPassword(request.ctx, request.body, session?.id ?? null);
      return reply.code(204).send(null);
    },
  );
};

export const roleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'roles:read' },
      schema: {
        tags: ['roles'],
        summary: 'List roles (?scope=global|workspace)',
        querystring: z.object({ scope: RoleScopeSchema.optional() }),
        response: { 200: z.array(RoleSchema) },
      },
    },
    async (request) => listRoles(request.ctx, request.query.scope),
  );
  app.post(
    '/',
    {
      config: { permission: 'roles:write' },
      schema: {
        tags: ['roles'],
        summary: 'Create a custom role',
        body: CreateRoleBodySchema,
        response: { 201: RoleSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createRole(request.ctx, request.body)),
  );
  app.put(
    '/:id',
    {
      config: { permission: 'roles:write' },
      schema: {
        tags: ['roles'],
        summary: 'Change a custom role',
        params: IdParamsSchema,
        body: UpdateRoleBodySchema,
        response: { 200: RoleSchema },
      },
    },
    async (request) => updateRole(request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: { permission: 'roles:write' },
      schema: {
        tags: ['roles'],
        summary: 'Delete a custom role (409 while bound)',
        params: IdParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteRole(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** Commander's `GET /global_roles`. */
export const globalRoleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'roles:read' },
      schema: { tags: ['roles'], summary: 'Global roles', response: { 200: z.array(RoleSchema) } },
    },
    async (request) => listRoles(request.ctx, 'global'),
  );
};

/**
 * Role bindings. Mounted as `/role_bindings` (all) and Commander's `/workspace_role_bindings`
 * (workspace roles only). Global callers with role_bindings:* manage every binding; workspace
 * admins (workspace_members:*) manage their workspace's — the use case checks.
 */
export function bindingRoutes(scope: 'workspace' | null): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/',
      {
        config: { authenticated: true },
        schema: {
          tags: ['roles'],
          summary: 'List role bindings (?workspace_id=, ?user_id=, ?group_id=)',
          querystring: ListBindingsQuerySchema,
          response: { 200: z.array(RoleBindingSchema) },
        },
      },
      async (request) =>
        listRoleBindings(request.ctx, {
          workspaceId: request.query.workspace_id,
          userId: request.query.user_id,
          groupId: request.query.group_id,
          ...(scope ? { scope } : {}),
        }),
    );
    app.post(
      '/',
      {
        config: { authenticated: true },
        schema: {
          tags: ['roles'],
          summary:
            'Bind a user or a group to a role (user_id or group_id; workspace roles need workspace_id)',
          body: CreateRoleBindingBodySchema,
          response: { 201: RoleBindingSchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createRoleBinding(request.ctx, request.body)),
    );
    app.get(
      '/:id',
      {
        config: { authenticated: true },
        schema: {
          tags: ['roles'],
          summary: 'Get a role binding',
          params: IdParamsSchema,
          response: { 200: RoleBindingSchema },
        },
      },
      async (request) => getRoleBinding(request.ctx, request.params.id),
    );
    app.put(
      '/:id',
      {
        config: { authenticated: true },
        schema: {
          tags: ['roles'],
          summary: 'Change the role of a binding',
          params: IdParamsSchema,
          body: UpdateRoleBindingBodySchema,
          response: { 200: RoleBindingSchema },
        },
      },
      async (request) => updateRoleBinding(request.ctx, request.params.id, request.body),
    );
    app.delete(
      '/:id',
      {
        config: { authenticated: true },
        schema: {
          tags: ['roles'],
          summary: 'Remove a role binding',
          params: IdParamsSchema,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await deleteRoleBinding(request.ctx, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
