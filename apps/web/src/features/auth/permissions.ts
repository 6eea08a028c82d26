import type { Me } from '@commander/contracts';

/** `x:write` implies `x:read`, except for revealing secrets (mirrors the API's rule). */
function holds(held: readonly string[], needed: string): boolean {
  if (held.includes(needed)) {
    return true;
  }
  return (
    needed.endsWith(':read') &&
    needed !== 'clusters:secrets:read' &&
    held.includes(needed.replace(/:read$/, ':write'))
  );
}

/** Whether the caller holds a permission in a workspace (by slug). */
export function canInWorkspace(me: Me | undefined, slug: string, permission: string): boolean {
  const workspace = me?.workspaces.find((w) => w.slug === slug);
  return workspace !== undefined && holds(workspace.permissions, permission);
}

/** Whether the caller holds a global permission (workspaces, users, roles…). */
export function canGlobally(me: Me | undefined, permission: string): boolean {
  return me !== undefined && holds(me.global_permissions, permission);
}
