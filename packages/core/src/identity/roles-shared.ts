import { GLOBAL_PERMISSIONS, type Role, WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { type Role as RoleRow } from '@commander/db';

import { AppError } from '../errors.js';

export function toRoleDto(row: RoleRow): Role {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope === 'GLOBAL' ? 'global' : 'workspace',
    description: row.description,
    permissions: row.permissions,
    is_built_in: row.isBuiltIn,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function assertPermissions(scope: 'global' | 'workspace', permissions: string[]): void {
  const known: readonly string[] =
    scope === 'global' ? [...GLOBAL_PERMISSIONS, ...WORKSPACE_PERMISSIONS] : WORKSPACE_PERMISSIONS;
  const unknown = permissions.filter((p) => !known.includes(p));
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `Unknown permissions for a ${scope} role: ${unknown.join(', ')}`,
      { known },
    );
  }
}
