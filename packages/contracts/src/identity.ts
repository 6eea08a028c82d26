import { z } from 'zod';

import { TimestampSchema } from './common.js';

export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  is_disabled: z.boolean(),
  last_seen_at: TimestampSchema.nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  /** Global roles, and workspace roles by workspace slug. */
  global_roles: z.array(z.string()),
  workspace_roles: z.array(
    z.object({ workspace_id: z.uuid(), workspace_slug: z.string(), role: z.string() }),
  ),
  /** Groups the user is in: local ones, and the IdP's as of their last sign-in. */
  groups: z.array(z.object({ id: z.uuid(), name: z.string(), provider: z.string() })),
  /** Identities at OpenID providers (sign-in through them links here). */
  identities: z.array(
    z.object({
      provider: z.string(),
      issuer: z.string(),
      subject: z.string(),
      last_login_at: TimestampSchema,
    }),
  ),
});
export type User = z.infer<typeof UserSchema>;

/** At least 12 characters: long passwords beat composition rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(1024);

export const CreateUserBodySchema = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: PasswordSchema,
});

export const UpdateUserBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  is_disabled: z.boolean().optional(),
  password: PasswordSchema.optional(),
});

export const ChangePasswordBodySchema = z.strictObject({
  current_password: z.string().min(1).max(1024),
  new_password: PasswordSchema,
});

export const RoleScopeSchema = z.enum(['global', 'workspace']);

export const RoleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: RoleScopeSchema,
  description: z.string(),
  permissions: z.array(z.string()),
  is_built_in: z.boolean(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Role = z.infer<typeof RoleSchema>;

export const CreateRoleBodySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  scope: RoleScopeSchema,
  description: z.string().max(500).default(''),
  permissions: z.array(z.string()).min(1),
});

export const UpdateRoleBodySchema = z.strictObject({
  description: z.string().max(500).optional(),
  permissions: z.array(z.string()).min(1).optional(),
});

/** A role given to a user or to a group (exactly one of user_id and group_id is set). */
export const RoleBindingSchema = z.object({
  id: z.uuid(),
  user_id: z.uuid().nullable(),
  user_email: z.string().nullable(),
  group_id: z.uuid().nullable(),
  group_name: z.string().nullable(),
  /** 'local', or the OpenID provider the group comes from (null for a user binding). */
  group_provider: z.string().nullable(),
  role_id: z.uuid(),
  role_name: z.string(),
  scope: RoleScopeSchema,
  /** Null for a global binding. */
  workspace_id: z.uuid().nullable(),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type RoleBinding = z.infer<typeof RoleBindingSchema>;

export const CreateRoleBindingBodySchema = z
  .strictObject({
    /** The user to bind, or… */
    user_id: z.uuid().optional(),
    /** …the group to bind (local or from an OpenID provider): exactly one of the two. */
    group_id: z.uuid().optional(),
    role_id: z.uuid(),
    /** Required for workspace roles; absent/null for global roles. */
    workspace_id: z.uuid().nullable().optional(),
  })
  .refine((b) => (b.user_id === undefined) !== (b.group_id === undefined), {
    message: 'give exactly one of user_id and group_id',
    path: ['user_id'],
  });

export const UpdateRoleBindingBodySchema = z.strictObject({
  role_id: z.uuid(),
  current_revision: z.number().int().optional(),
});

export const ListBindingsQuerySchema = z.object({
  workspace_id: z.uuid().optional(),
  user_id: z.uuid().optional(),
  group_id: z.uuid().optional(),
});

// ─────────────────────────────────────── groups ───────────────────────────────────────

/** A group's name (as an identity provider sends it, e.g. Keycloak's `/team/ops`). */
export const GroupNameSchema = z.string().trim().min(1).max(256);

export const GroupSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** 'local' (managed here) or the id of the OpenID provider whose groups claim names it. */
  provider: z.string(),
  /** Local groups are edited here; IdP groups are read-only (refreshed at each sign-in). */
  is_local: z.boolean(),
  description: z.string(),
  member_count: z.number().int(),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Group = z.infer<typeof GroupSchema>;

export const CreateGroupBodySchema = z.strictObject({
  name: GroupNameSchema,
  description: z.string().max(500).default(''),
  /**
   * 'local' (default), or an OpenID provider's id to register one of its groups before anyone
   * in it signed in (to bind roles to it ahead); its members still come from sign-ins only.
   */
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
    .default('local'),
});

export const UpdateGroupBodySchema = z.strictObject({
  name: GroupNameSchema.optional(),
  description: z.string().max(500).optional(),
  current_revision: z.number().int().optional(),
});

export const GroupMemberSchema = z.object({
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  /** When the user joined (for IdP groups: the sign-in that first reported it). */
  added_at: TimestampSchema,
});
export type GroupMember = z.infer<typeof GroupMemberSchema>;

export const AddGroupMemberBodySchema = z.strictObject({ user_id: z.uuid() });

/** A binding that applies to a user, directly or through one of their groups. */
export const EffectiveBindingSchema = z.object({
  binding_id: z.uuid(),
  role_id: z.uuid(),
  role_name: z.string(),
  scope: RoleScopeSchema,
  workspace_id: z.uuid().nullable(),
  workspace_slug: z.string().nullable(),
  permissions: z.array(z.string()),
  /** 'user': bound to the user; 'group': through the group named below. */
  via: z.enum(['user', 'group']),
  group_id: z.uuid().nullable(),
  group_name: z.string().nullable(),
  group_provider: z.string().nullable(),
});
export type EffectiveBinding = z.infer<typeof EffectiveBindingSchema>;

export const AuditEventSchema = z.object({
  id: z.string(),
  ts: TimestampSchema,
  workspace_id: z.uuid().nullable(),
  workspace_slug: z.string().nullable(),
  user_type: z.string(),
  user_id: z.string().nullable(),
  user_name: z.string(),
  action: z.string(),
  auditable_type: z.string(),
  auditable_id: z.string(),
  /** The object's name (a cluster's, a template's "name vN", …) when it is known. */
  auditable_name: z.string().nullable().optional(),
  audited_changes: z.unknown(),
  remote_address: z.string().nullable(),
  request_id: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = z.object({
  auditable_type: z.string().max(100).optional(),
  auditable_id: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  user_name: z.string().max(320).optional(),
  /**
   * Who acted, comma-separated: `User`, `AuthToken`, `Agent`, `System` (the managers). The web
   * app hides `Agent` and `System` by default.
   */
  user_type: z
    .string()
    .regex(/^(User|AuthToken|Agent|System)(,(User|AuthToken|Agent|System))*$/)
    .optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** `jsonl`: one JSON object per line (for export), instead of a JSON array. */
  format: z.enum(['json', 'jsonl']).default('json'),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const MoveClusterBodySchema = z.strictObject({ workspace_id: z.uuid() });

export const UpdateWorkspaceByIdBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  current_revision: z.number().int().optional(),
});

/** `DELETE /users/:id/sessions`: how many sessions were ended. */
export const EndedSessionsSchema = z.object({ ended: z.number().int() });
export type EndedSessions = z.infer<typeof EndedSessionsSchema>;
