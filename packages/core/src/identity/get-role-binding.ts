import { type RoleBinding } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { assertCanManage, loadBinding, toBindingDto } from './role-bindings-shared.js';

export async function getRoleBinding(ctx: ServiceContext, id: string): Promise<RoleBinding> {
  const row = await loadBinding(ctx, id);
  assertCanManage(ctx, row.workspaceId, false);
  return toBindingDto(row);
}
