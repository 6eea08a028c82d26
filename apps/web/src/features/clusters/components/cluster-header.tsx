import type { Cluster, ClusterTemplate } from '@commander/contracts';
import { Alert, Group, Stack, Text, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { formatDateTime } from '../../../lib/format.js';
import { findVersion } from '../../cluster-templates/cluster-templates.api.js';
import { ClusterStatusBadge } from './cluster-status-badge.js';

export type ClusterHeaderProps = {
  cluster: Cluster;
  templates: ClusterTemplate[] | undefined;
  actions?: React.ReactNode;
};

/** Name (the page heading), status, template and version, creation time. */
export function ClusterHeader({ cluster, templates, actions }: ClusterHeaderProps) {
  const { t, i18n } = useTranslation();
  const found = findVersion(templates, cluster.cluster_template_version_id);
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start">
        <Stack gap={6}>
          <Group gap="sm">
            <Title order={1}>{cluster.name}</Title>
            <ClusterStatusBadge status={cluster.status} size="lg" />
          </Group>
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
        </Stack>
        {actions}
      </Group>
      {cluster.status === 'delete' && (
        <Alert color="grape" variant="light" icon={<IconTrash aria-hidden />} role="status">
          {t('clusters.delete.inProgress')}
        </Alert>
      )}
    </Stack>
  );
}
