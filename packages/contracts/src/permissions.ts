/**
 * The permission vocabulary, shared by the API (which checks it) and the web app (which shows
 * it). One entry per line, so lists added on different branches merge cleanly.
 *
 * Named permissions. Global ones concern the installation (workspaces, users, roles, global
 * tokens, audit of everything); workspace ones concern what lives inside a workspace.
 * `*:write` implies `*:read`; `clusters:secrets:read` lets a caller reveal password values.
 */
export const GLOBAL_PERMISSIONS = [
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

export const WORKSPACE_PERMISSIONS = [
  'clusters:read',
  'clusters:write',
  'clusters:secrets:read',
  /** The cluster's Kubernetes API through Commander: GET, list, watch, logs. */
  'clusters:admin:read',
  /** Everything else through the Kubernetes API proxy (create, patch, delete, exec, …). */
  'clusters:admin:write',
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
  'rollouts:read',
  'rollouts:write',
] as const;

export type GlobalPermission = (typeof GLOBAL_PERMISSIONS)[number];
export type WorkspacePermission = (typeof WORKSPACE_PERMISSIONS)[number];
export type Permission = GlobalPermission | WorkspacePermission;

const READ_ONLY_WORKSPACE: WorkspacePermission[] = WORKSPACE_PERMISSIONS.filter(
  (p) => p.endsWith(':read') && p !== 'clusters:secrets:read',
);

/** Built-in roles, created at start-up and kept in sync with this table. */
export const BUILT_IN_ROLES = {
  global: {
    admin: {
      description:
        'Manages the installation: workspaces, users, roles, global tokens; admin in every workspace.',
      permissions: [...GLOBAL_PERMISSIONS] as Permission[],
    },
    viewer: {
      description: 'Reads workspaces, users, roles and the audit log.',
      permissions: GLOBAL_PERMISSIONS.filter((p) => p.endsWith(':read')) as Permission[],
    },
  },
  workspace: {
    admin: {
      description: 'Everything inside the workspace, including secrets, tokens and members.',
      permissions: [...WORKSPACE_PERMISSIONS] as Permission[],
    },
    operator: {
      description:
        'Creates and changes clusters, templates, inventory and registries; no secrets, tokens or members.',
      permissions: [
        ...READ_ONLY_WORKSPACE,
        'clusters:write',
        'clusters:admin:write',
        'cluster_templates:write',
        'catalogs:write',
        'registries:write',
        'rollouts:write',
      ] as Permission[],
    },
    viewer: {
      description: 'Reads everything inside the workspace except secrets.',
      permissions: READ_ONLY_WORKSPACE as Permission[],
    },
  },
} as const;

/**
 * The most an API token of this kind and scope may carry. A workspace token: the workspace
 * admin's (write) or viewer's (read) permissions. A global write token: the global admin's,
 * including the workspace permissions a global admin holds in every workspace (a global token
 * acts globally only; it uses them to issue workspace tokens); a global read token: the global
 * viewer's. What a token really has is this ∩ what its issuer held (see token-rights.ts).
 */
export function tokenScopePermissions(
  kind: 'global' | 'workspace',
  scope: 'read' | 'write',
): Permission[] {
  if (kind === 'workspace') {
    return workspaceTokenPermissions(scope);
  }
  return scope === 'write'
    ? [...BUILT_IN_ROLES.global.admin.permissions, ...BUILT_IN_ROLES.workspace.admin.permissions]
    : [...BUILT_IN_ROLES.global.viewer.permissions];
}

/** Permissions of a workspace API token of the given scope. */
export function workspaceTokenPermissions(scope: 'read' | 'write'): Permission[] {
  return scope === 'write'
    ? [...BUILT_IN_ROLES.workspace.admin.permissions]
    : [...BUILT_IN_ROLES.workspace.viewer.permissions];
}

/** Permissions of a global API token of the given scope, as used in global calls. */
export function globalTokenPermissions(scope: 'read' | 'write'): Permission[] {
  return scope === 'write'
    ? [...BUILT_IN_ROLES.global.admin.permissions]
    : [...BUILT_IN_ROLES.global.viewer.permissions];
}

/** `held` plus what it implies (a `:write` grants the matching `:read`). */
export function withImplied(held: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of held) {
    out.add(p);
    if (p.endsWith(':write')) {
      out.add(p.replace(/:write$/, ':read'));
    }
  }
  return out;
}

/**
 * True when `held` grants `needed` (a `:write` grants the matching `:read`, except for
 * revealing secrets). The one rule: the API's checks and the web app's menus both use it.
 */
export function grants(held: ReadonlySet<string> | readonly string[], needed: string): boolean {
  const has = (p: string) =>
    held instanceof Set ? held.has(p) : (held as readonly string[]).includes(p);
  if (has(needed)) {
    return true;
  }
  return (
    needed.endsWith(':read') &&
    needed !== 'clusters:secrets:read' &&
    has(needed.replace(/:read$/, ':write'))
  );
}

/** The permissions a role of the scope can hold (custom roles pick from these lists). */
export function permissionsOf(scope: 'global' | 'workspace'): readonly Permission[] {
  return scope === 'global' ? GLOBAL_PERMISSIONS : WORKSPACE_PERMISSIONS;
}

/** True when the permission is checked against the current workspace (not globally). */
export function isWorkspacePermission(p: Permission): p is WorkspacePermission {
  return (WORKSPACE_PERMISSIONS as readonly string[]).includes(p);
}
