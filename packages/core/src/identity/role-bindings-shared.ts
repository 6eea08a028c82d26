import { BUILT_IN_ROLES, grants, type Permission, type RoleBinding } from '@commander/contracts';
import { type Role as RoleRow } from '@commander/db';

import { delegableRights } from '../auth/auth-tokens.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { enabledAdmins } from './users-shared.js';

export const BINDING_INCLUDE = {
  user: { select: { email: true } },
  group: { select: { name: true, provider: true } },
  role: true,
} as const;

type BindingRow = {
  id: string;
  userId: string | null;
  groupId: string | null;
  roleId: string;
  workspaceId: string | null;
  currentRevision: number;
  createdAt: Date;
  updatedAt: Date;
  user: { email: string } | null;
  group: { name: string; provider: string } | null;
  role: RoleRow;
};

/** How a binding's subject is named in audit events. */
export function subjectOf(row: Pick<BindingRow, 'user' | 'group'>): Record<string, string> {
  return row.group
    ? { group: `${row.group.provider}:${row.group.name}` }
    : { user: row.user?.email ?? '' };
}

export function toBindingDto(row: BindingRow): RoleBinding {
  return {
    id: row.id,
    user_id: row.userId,
    user_email: row.user?.email ?? null,
    group_id: row.groupId,
    group_name: row.group?.name ?? null,
    group_provider: row.group?.provider ?? null,
    role_id: row.roleId,
    role_name: row.role.name,
    scope: row.role.scope === 'GLOBAL' ? 'global' : 'workspace',
    workspace_id: row.workspaceId,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * Who may manage bindings in a workspace: role_bindings:write globally, or
 * workspace_members:write in that workspace (workspace administrators manage their members).
 */
export function assertCanManage(
  ctx: ServiceContext,
  workspaceId: string | null,
  write: boolean,
): void {
  const global = write ? 'role_bindings:write' : 'role_bindings:read';
  const local = write ? 'workspace_members:write' : 'workspace_members:read';
  if (grants(ctx.permissions, global)) {
    return;
  }
  if (workspaceId !== null && ctx.workspace?.id === workspaceId && grants(ctx.permissions, local)) {
    return;
  }
  throw new AppError(
    'forbidden',
    `Managing role bindings needs ${global}${workspaceId ? ` or ${local} in the workspace` : ''}`,
  );
}

/**
 * No escalation through bindings: the caller must hold every permission of the role where it
 * is bound (in that workspace, or globally for a global role; the global admin role also
 * carries the workspace admin permissions everywhere). @throws AppError forbidden
 */
export async function assertHoldsRole(
  ctx: ServiceContext,
  role: RoleRow,
  workspaceId: string | null,
): Promise<void> {
  const held = await delegableRights(ctx, workspaceId);
  if (held === 'all') {
    return;
  }
  const needed = new Set<string>(role.permissions);
  if (role.scope === 'GLOBAL' && role.name === 'admin') {
    for (const p of BUILT_IN_ROLES.workspace.admin.permissions) {
      needed.add(p);
    }
  }
  const missing = [...needed].filter((p) => !grants(held, p as Permission)).sort();
  if (missing.length > 0) {
    throw new AppError(
      'forbidden',
      `You cannot bind the role ${role.name}: it has permissions you do not hold (${missing.join(', ')})`,
      { missing },
    );
  }
}

export async function loadBinding(ctx: ServiceContext, id: string) {
  const row = await ctx.db.roleBinding.findUnique({ where: { id }, include: BINDING_INCLUDE });
  if (!row) {
    throw notFound('Role binding', id);
  }
  return row;
}

export async function assertNotLastAdmin(
  ctx: ServiceContext,
  binding: { workspaceId: string | null; userId: string | null; role: RoleRow },
  newRole: string | null,
): Promise<void> {
  if (
    binding.userId === null ||
    binding.workspaceId !== null ||
    binding.role.name !== 'admin' ||
    newRole === 'admin'
  ) {
    return;
  }
  if ((await enabledAdmins(ctx, binding.userId)) === 0) {
    throw new AppError('conflict', 'The last administrator binding cannot be removed');
  }
}
