import type { Cluster } from '@commander/contracts';

import { canGlobally, canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import { AuditLog } from './audit-log.js';
import { NoAuditAccess } from './no-audit-access.js';

/** Audit events about one cluster (`auditable_id` = its id). */
export function ClusterAudit({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { me } = useCurrentWorkspace();
  const allowed = canInWorkspace(me, slug, 'workspace_audit:read') || canGlobally(me, 'audit:read');
  return allowed ? (
    <AuditLog scope={slug} fixed={{ id: cluster.id }} exportName={`audit-${cluster.name}`} />
  ) : (
    <NoAuditAccess />
  );
}
