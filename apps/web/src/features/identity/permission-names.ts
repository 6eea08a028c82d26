/**
 * The permission vocabulary, as the API checks it (packages/core/src/permissions.ts; the web app
 * may not import core). Custom roles pick from these lists; the API rejects unknown names.
 */
export const GLOBAL_PERMISSION_NAMES = [
  'workspaces:read',
  'workspaces:write',
  'users:read',
  'users:write',
  'roles:read',
  'roles:write',
  'role_bindings:read',
  'role_bindings:write',
  'global_tokens:read',
  'global_tokens:write',
  'audit:read',
] as const;

export const WORKSPACE_PERMISSION_NAMES = [
  'clusters:read',
  'clusters:write',
  'clusters:secrets:read',
  'cluster_templates:read',
  'cluster_templates:write',
  'catalogs:read',
  'catalogs:write',
  'registries:read',
  'registries:write',
  'workspace_tokens:read',
  'workspace_tokens:write',
  'workspace_audit:read',
  'workspace_members:read',
  'workspace_members:write',
  'webhooks:read',
  'webhooks:write',
] as const;

/** The permissions a role of the scope can hold. */
export function permissionsOf(scope: 'global' | 'workspace'): readonly string[] {
  return scope === 'global' ? GLOBAL_PERMISSION_NAMES : WORKSPACE_PERMISSION_NAMES;
}
