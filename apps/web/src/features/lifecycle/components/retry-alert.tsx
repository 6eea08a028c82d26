import type { Cluster } from '@commander/contracts';
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconReload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { operationKindWord } from '../../operations/operation-words.js';
import { canRetry, useRetry } from '../lifecycle.api.js';

/**
 * A failed cluster (creation, change or deletion error) or a failed last operation: says so and
 * offers Retry (dhctl resumes from the state the failed attempt left).
 */
export function RetryAlert({
  slug,
  cluster,
  canWrite,
}: {
  slug: string;
  cluster: Cluster;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const retry = useRetry(slug, cluster.id);
  if (!canRetry(cluster)) {
    return null;
  }
  const op = cluster.last_operation;
  const title =
    cluster.status === 'creation_failed' ||
    cluster.status === 'synchronization_failure' ||
    cluster.status === 'deletion_failed'
      ? t(`lifecycle.retry.title.${cluster.status}`)
      : t('lifecycle.retry.title.operation', {
          kind: op ? operationKindWord(op.kind, t) : '',
        });
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title={title}>
      <Group justify="space-between" align="center">
        <Text size="sm">
          {t('lifecycle.retry.description')}{' '}
          {op && (
            <Link to={`/w/${slug}/clusters/${cluster.id}/operations/${op.id}`}>
              {t('lifecycle.retry.showLog')}
            </Link>
          )}
        </Text>
        {canWrite && (
          <Button
            color="red"
            leftSection={<IconReload size={16} aria-hidden />}
            loading={retry.isPending}
            onClick={() => retry.mutate()}
          >
            {t('lifecycle.retry.button')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
