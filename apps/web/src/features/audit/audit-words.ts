import type { TFunction } from 'i18next';

/** Object types the API records (`auditable_type`). */
export const AUDITABLE_TYPES = [
  'Cluster',
  'ClusterSettings',
  'ClusterOperation',
  'ChangeRequest',
  'ClusterTemplate',
  'ClusterTemplateVersion',
  'Catalog',
  'Record',
  'Registry',
  'AuthToken',
  'User',
  'Role',
  'RoleBinding',
  'Workspace',
] as const;
export type AuditableType = (typeof AUDITABLE_TYPES)[number];

/** Actions the API and the managers record. */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'restore',
  'import',
  'archive',
  'version',
  'attach',
  'join',
  'detach',
  'check',
  'check_in_sync',
  'retry',
  'cancel',
  'approve',
  'approved',
  'reject',
  'rejected',
  'deny',
  'opened',
  'queued',
  'progress',
  'handed_back',
  'move',
  'moved_in',
  'moved_out',
  'rollback',
  'settings',
  'resources',
  'archive_without_cleanup',
  'archived_without_cleanup',
  'deleted',
  'deletion_failed',
  'agent_lost',
  'revoke',
  'rotate_agent_key',
  'login',
  'logout',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who the web app shows by default: people and their API tokens, not managers and agents. */
export const PEOPLE_ACTOR_TYPES = 'User,AuthToken';

/** "Created", "Approved"…; unknown actions (from a newer API) show as sent. */
export function auditActionWord(action: string, t: TFunction): string {
  return (AUDIT_ACTIONS as readonly string[]).includes(action)
    ? t(`auditWords.action.${action as AuditAction}`)
    : action;
}

/** "Cluster", "API token"…; unknown types show as sent. */
export function auditTypeWord(type: string, t: TFunction): string {
  return (AUDITABLE_TYPES as readonly string[]).includes(type)
    ? t(`auditWords.type.${type as AuditableType}`)
    : type;
}
