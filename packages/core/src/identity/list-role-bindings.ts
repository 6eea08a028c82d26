import { grants, type RoleBinding } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { assertCanManage, BINDING_INCLUDE, toBindingDto } from './role-bindings-shared.js';

export async function listRoleBindings(
  ctx: ServiceContext,
  filter: {
    workspaceId?: string;
    userId?: string;
    groupId?: string;
    scope?: 'global' | 'workspace';
  },
): Promise<RoleBinding[]> {
  const canGlobal = grants(ctx.permissions, 'role_bindings:read');
  const workspaceId = canGlobal ? filter.workspaceId : ctx.workspace?.id;
  if (!canGlobal) {
    assertCanManage(ctx, workspaceId ?? null, false);
  }
  const rows = await ctx.db.roleBinding.findMany({
    where: {
      ...(workspaceId ? { workspaceId } : {}),
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.groupId ? { groupId: filter.groupId } : {}),
      ...(filter.scope
        ? { role: { scope: filter.scope === 'global' ? 'GLOBAL' : 'WORKSPACE' } }
        : {}),
    },
    include: BINDING_INCLUDE,
    orderBy: { createdAt: 'asc' },
  });
  return rows.map(toBindingDto);
}
