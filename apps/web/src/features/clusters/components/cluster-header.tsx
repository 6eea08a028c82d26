import type { Cluster, ClusterTemplate } from '@commander/contracts';
import { Alert, Group, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import type { Crumb } from '../../../components/ui/page-breadcrumbs.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { formatDateTime } from '../../../lib/format.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { findVersion } from '../../cluster-templates/cluster-templates.api.js';

export type ClusterHeaderProps = {
  cluster: Cluster;
  templates: ClusterTemplate[] | undefined;
  /** Where the page sits (the cluster list, then the cluster). */
  breadcrumbs?: Crumb[];
  actions?: React.ReactNode;
};

/** Name (the page heading), status, template and version, creation time. */
export function ClusterHeader({ cluster, templates, breadcrumbs, actions }: ClusterHeaderProps) {
  const { t, i18n } = useTranslation();
  const found = findVersion(templates, cluster.cluster_template_version_id);
  return (
    <Stack gap="sm">
      <PageHeader
        breadcrumbs={breadcrumbs}
        title={cluster.name}
        badges={<ClusterStatusBadge status={cluster.status} size="lg" />}
        subtitle={
          <Group gap="lg">
            <Text size="sm" c="dimmed">
              {t('clusters.header.template')}{' '}
              <Text span c="var(--mantine-color-text)" inherit>
                {found
                  ? t('clusters.templateVersion', {
                      template: found.template.name,
                      version: found.version.number,
                    })
                  : '—'}
              </Text>
            </Text>
            <Text size="sm" c="dimmed">
              {t('clusters.header.created')}{' '}
              <Text
                span
                c="var(--mantine-color-text)"
                inherit
                component="time"
                dateTime={cluster.created_at}
              >
                {formatDateTime(cluster.created_at, i18n.language)}
              </Text>
            </Text>
          </Group>
        }
        actions={actions}
      />
      {cluster.status === 'delete' && (
        <Alert color="grape" variant="light" icon={<IconTrash aria-hidden />} role="status">
          {t('clusters.delete.inProgress')}
        </Alert>
      )}
    </Stack>
  );
}
