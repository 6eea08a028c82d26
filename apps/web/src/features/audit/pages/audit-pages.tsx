import { EmptyState, Stack, Text, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { authQueries } from '../../auth/auth.api.js';
import { canGlobally, canInWorkspace } from '../../auth/permissions.js';
import { useClusterContext } from '../../clusters/cluster-context.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { AuditLog } from '../components/audit-log.js';

function NoAccess() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={<IconLock size={32} aria-hidden />}
      title={t('audit.noAccessTitle')}
      description={t('audit.noAccessDescription')}
    />
  );
}

/** `/audit`: every audit event of the installation (audit:read). */
export function GlobalAuditPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const allowed = canGlobally(me.data, 'audit:read');
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t('audit.title')}</Title>
        <Text c="dimmed">{t('audit.globalSubtitle')}</Text>
      </Stack>
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
      <Stack gap={4}>
        <Title order={1}>{t('audit.title')}</Title>
        <Text c="dimmed">
          {t('audit.workspaceSubtitle', { workspace: workspace?.name ?? slug })}
        </Text>
      </Stack>
      {allowed ? <AuditLog scope={slug} exportName={`audit-${slug}`} /> : <NoAccess />}
    </Stack>
  );
}

/** The cluster's Audit tab: events about this cluster (`auditable_id` = its id). */
export function ClusterAuditTab() {
  const { slug, cluster } = useClusterContext();
  const { me } = useCurrentWorkspace();
  const allowed = canInWorkspace(me, slug, 'workspace_audit:read') || canGlobally(me, 'audit:read');
  return allowed ? (
    <AuditLog scope={slug} fixed={{ id: cluster.id }} exportName={`audit-${cluster.name}`} />
  ) : (
    <NoAccess />
  );
}
