import { grants, type Me } from '@commander/contracts';

/** Whether the caller holds a permission in a workspace (by slug; the API's rule, `grants`). */
export function canInWorkspace(me: Me | undefined, slug: string, permission: string): boolean {
  const workspace = me?.workspaces.find((w) => w.slug === slug);
  return workspace !== undefined && grants(workspace.permissions, permission);
}

/** Whether the caller holds a global permission (workspaces, users, roles…). */
export function canGlobally(me: Me | undefined, permission: string): boolean {
  return me !== undefined && grants(me.global_permissions, permission);
}
