import { EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { AdministrationView } from '../../administration/components/administration-view.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import { useClusterContext } from '../cluster-context.js';

/** The cluster's Administration tab: its Kubernetes resources through Commander's proxy. */
export function ClusterAdministrationTab() {
  const { t } = useTranslation();
  const { slug, cluster } = useClusterContext();
  const { me } = useCurrentWorkspace();
  if (!canInWorkspace(me, slug, 'clusters:admin:read')) {
    return (
      <EmptyState
        icon={<IconLock size={32} aria-hidden />}
        title={t('administration.noAccessTitle')}
        description={t('administration.noAccess')}
      />
    );
  }
  return (
    <AdministrationView
      slug={slug}
      clusterId={cluster.id}
      canWrite={canInWorkspace(me, slug, 'clusters:admin:write')}
    />
  );
}
