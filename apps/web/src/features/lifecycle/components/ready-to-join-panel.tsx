import type { Cluster } from '@commander/contracts';
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconLink, IconLoader2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { YamlField } from '../../../components/ui/code-editor.js';
import { useJoin } from '../lifecycle.api.js';

/**
 * An attached cluster after its scan: what was found in it, and "Join" to take it under
 * management (CommanderAttach installs the agent; then the cluster is Ready).
 */
export function ReadyToJoinPanel({
  slug,
  cluster,
  canWrite,
}: {
  slug: string;
  cluster: Cluster;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const join = useJoin(slug, cluster.id);
  if (cluster.status === 'new' && cluster.last_operation?.kind === 'attach') {
    return (
      <Alert color="blue" variant="light" icon={<IconLoader2 aria-hidden />} role="status">
        {t('lifecycle.join.scanning')}
      </Alert>
    );
  }
  if (cluster.status === 'joining') {
    return (
      <Alert color="blue" variant="light" icon={<IconLoader2 aria-hidden />} role="status">
        {t('lifecycle.join.inProgress')}
      </Alert>
    );
  }
  if (cluster.status !== 'ready_to_join') {
    return null;
  }
  const joinRunning =
    cluster.last_operation?.kind === 'attach' &&
    (cluster.last_operation.status === 'queued' || cluster.last_operation.status === 'running');
  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby="ready-to-join"
      style={{ borderColor: 'var(--mantine-color-cyan-outline)' }}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Title order={2} size="h4" id="ready-to-join">
              {t('lifecycle.join.title')}
            </Title>
            <Text size="sm" c="dimmed" maw={720}>
              {t('lifecycle.join.description')}
            </Text>
          </Stack>
          {canWrite && (
            <Button
              color="cyan"
              leftSection={<IconLink size={16} aria-hidden />}
              loading={join.isPending || joinRunning}
              onClick={() => join.mutate()}
            >
              {t('lifecycle.join.button')}
            </Button>
          )}
        </Group>
        {cluster.cluster_type && (
          <Text size="sm">
            {t('lifecycle.join.type')}{' '}
            <Text span fw={600}>
              {cluster.cluster_type}
            </Text>
          </Text>
        )}
        {cluster.desired_cluster_configuration_rendered ? (
          <YamlField
            label={t('lifecycle.join.clusterConfiguration')}
            value={cluster.desired_cluster_configuration_rendered}
            readOnly
            maxHeight="360px"
          />
        ) : (
          <Text size="sm" c="dimmed">
            {t('lifecycle.join.nothingScanned')}
          </Text>
        )}
        {cluster.desired_provider_specific_cluster_configuration_rendered && (
          <YamlField
            label={t('lifecycle.join.providerConfiguration')}
            value={cluster.desired_provider_specific_cluster_configuration_rendered}
            readOnly
            maxHeight="360px"
          />
        )}
      </Stack>
    </Paper>
  );
}
