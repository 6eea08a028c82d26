import { Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { PageHeader } from '../../../components/ui/page-header.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally, canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { AuditLog } from '../components/audit-log.js';
import { NoAuditAccess as NoAccess } from '../components/no-audit-access.js';

/** `/audit`: every audit event of the installation (audit:read). */
export function GlobalAuditPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const allowed = canGlobally(me.data, 'audit:read');
  return (
    <Stack gap="lg">
      <PageHeader title={t('audit.title')} subtitle={t('audit.globalSubtitle')} />
      {allowed ? <AuditLog scope={null} exportName="audit" /> : <NoAccess />}
    </Stack>
  );
}

/** `/w/:slug/audit`: the workspace's audit events (workspace_audit:read or audit:read). */
export function WorkspaceAuditPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me, workspace } = useCurrentWorkspace();
  const allowed = canInWorkspace(me, slug, 'workspace_audit:read') || canGlobally(me, 'audit:read');
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('audit.title')}
        subtitle={t('audit.workspaceSubtitle', { workspace: workspace?.name ?? slug })}
      />
      {allowed ? <AuditLog scope={slug} exportName={`audit-${slug}`} /> : <NoAccess />}
    </Stack>
  );
}
