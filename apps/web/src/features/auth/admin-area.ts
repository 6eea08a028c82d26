import {
  IconBuildingWarehouse,
  IconHistory,
  IconKey,
  IconShieldCheck,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';

import { authQueries } from './auth.api.js';
import { canGlobally } from './permissions.js';

/** Pages of the administration area and the global permission each needs. */
export const ADMIN_PAGES = [
  { path: 'users', permission: 'users:read', icon: IconUsers },
  { path: 'groups', permission: 'users:read', icon: IconUsersGroup },
  { path: 'roles', permission: 'roles:read', icon: IconShieldCheck },
  { path: 'tokens', permission: 'global_tokens:read', icon: IconKey },
  { path: 'workspaces', permission: 'workspaces:write', icon: IconBuildingWarehouse },
  { path: 'audit', permission: 'audit:read', icon: IconHistory },
] as const;

/** Whether the caller may see any page of the administration area. */
export function useHasAdminArea(): boolean {
  const me = useQuery(authQueries.me());
  return ADMIN_PAGES.some((p) => canGlobally(me.data, p.permission));
}
