import { BUILT_IN_ROLES, type EffectiveBinding } from '@commander/contracts';

import { userBindingsWhere } from '../auth/principal.js';
import { type ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';

/**
 * Every binding that applies to a user, with where it comes from (the user, or which group):
 * what the user's page shows as the origin of each permission.
 */
export async function userEffectiveBindings(
  ctx: ServiceContext,
  userId: string,
): Promise<EffectiveBinding[]> {
  requirePermission(ctx, 'users:read');
  if (!(await ctx.db.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
    throw notFound('User', userId);
  }
  const rows = await ctx.db.roleBinding.findMany({
    where: userBindingsWhere(userId),
    include: {
      role: true,
      group: { select: { name: true, provider: true } },
      workspace: { select: { slug: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((b) => {
    const permissions = new Set<string>(b.role.permissions);
    if (b.workspaceId === null && b.role.scope === 'GLOBAL' && b.role.name === 'admin') {
      for (const p of BUILT_IN_ROLES.workspace.admin.permissions) {
        permissions.add(p);
      }
    }
    return {
      binding_id: b.id,
      role_id: b.roleId,
      role_name: b.role.name,
      scope: b.role.scope === 'GLOBAL' ? ('global' as const) : ('workspace' as const),
      workspace_id: b.workspaceId,
      workspace_slug: b.workspace?.slug ?? null,
      permissions: [...permissions],
      via: b.groupId ? ('group' as const) : ('user' as const),
      group_id: b.groupId,
      group_name: b.group?.name ?? null,
      group_provider: b.group?.provider ?? null,
    };
  });
}
