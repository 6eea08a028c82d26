import { grants } from '@commander/contracts';

import type { Actor } from '../context.js';
import { AppError } from '../errors.js';

/** Kubernetes groups Commander's roles map to (the agent's resource group binds them). */
export const KUBE_GROUPS = {
  admin: 'commander:cluster-admin',
  edit: 'commander:edit',
  view: 'commander:view',
} as const;

/**
 * Whom the agent impersonates for a caller: a user by email, an API token as
 * `commander-token:<name>` (a token's name is chosen by its issuer and must never be taken for a
 * Kubernetes user such as `system:…`), with one group from the caller's permissions in the
 * cluster's workspace: workspace admins (clusters:admin:write + workspace_members:write) the
 * cluster-admin group, other writers edit, readers view.
 */
export function impersonationFor(
  actor: Actor,
  permissions: ReadonlySet<string>,
): { user: string; groups: string[] } {
  let user: string;
  if (actor.type === 'user') {
    user = actor.name;
  } else if (actor.type === 'auth_token') {
    user = `commander-token:${actor.name}`;
  } else {
    throw new AppError('forbidden', 'Only users and API tokens reach the Kubernetes API');
  }
  if (user.startsWith('system:') || user.length === 0) {
    throw new AppError('forbidden', 'This identity cannot be impersonated in Kubernetes');
  }
  let group: string;
  if (
    grants(permissions, 'clusters:admin:write') &&
    grants(permissions, 'workspace_members:write')
  ) {
    group = KUBE_GROUPS.admin;
  } else if (grants(permissions, 'clusters:admin:write')) {
    group = KUBE_GROUPS.edit;
  } else if (grants(permissions, 'clusters:admin:read')) {
    group = KUBE_GROUPS.view;
  } else {
    throw new AppError('forbidden', 'This needs the clusters:admin:read permission', {
      permission: 'clusters:admin:read',
    });
  }
  return { user, groups: [group] };
}
