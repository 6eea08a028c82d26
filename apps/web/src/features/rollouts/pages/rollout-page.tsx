import type { RolloutDetail } from '@commander/contracts';
import {
  Alert,
  Button,
  EmptyState,
  Group,
  Modal,
  Progress,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconPlayerPause,
  IconPlayerPlay,
  IconRocketOff,
  IconSquareX,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { formatDateTime, formatDuration } from '../../../lib/format.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { RolloutStatusBadge } from '../components/rollout-badges.js';
import { RolloutWaves } from '../components/rollout-waves.js';
import { formatWaves, rolloutQueries, useRolloutAction } from '../rollouts.api.js';

/**
 * A rollout: its status and progress, why it paused, its waves with each cluster's state, and
 * Pause / Resume / Abort. Kept current by live events (type `rollout`), no polling.
 */
export function RolloutPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { rolloutId = '' } = useParams();
  const rollout = useQuery(rolloutQueries.one(slug, rolloutId));

  if (rollout.isPending) {
    return <PageSkeleton />;
  }
  if (rollout.isError) {
    if (isApiError(rollout.error, 'not_found')) {
      return (
        <EmptyState
          icon={<IconRocketOff size={32} aria-hidden />}
          title={t('rollouts.notFoundTitle')}
          description={t('rollouts.notFoundDescription')}
        >
          <EmptyState.Actions>
            <Button component={Link} to={`/w/${slug}/rollouts`} variant="default">
              {t('rollouts.backToList')}
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      );
    }
    return <ErrorAlert error={rollout.error} onRetry={() => void rollout.refetch()} />;
  }
  return <RolloutView slug={slug} rollout={rollout.data} />;
}

export function RolloutView({ slug, rollout }: { slug: string; rollout: RolloutDetail }) {
  const { t, i18n } = useTranslation();
  const { me } = useCurrentWorkspace();
  const canWrite = canInWorkspace(me, slug, 'rollouts:write');
  const action = useRolloutAction(slug);
  const [aborting, setAborting] = useState(false);
  const { counts } = rollout;
  const finished = counts.done + counts.skipped;
  const percent = counts.total === 0 ? 100 : Math.round((finished / counts.total) * 100);
  const title = t('rollouts.page.title', {
    template: rollout.cluster_template_name,
    number: rollout.target_version_number,
  });
  const wave = Math.min(rollout.current_wave + 1, rollout.wave_count);

  return (
    <Stack gap="lg">
      <PageHeader
        breadcrumbs={[{ label: t('rollouts.title'), to: `/w/${slug}/rollouts` }, { label: title }]}
        title={title}
        badges={<RolloutStatusBadge status={rollout.status} />}
        subtitle={
          <Text size="sm" c="dimmed">
            {t('rollouts.page.subtitle', {
              waves: formatWaves(rollout.wave_plan, t('rollouts.rest')),
              soak: formatDuration(rollout.soak_seconds * 1000, i18n.language),
              created: formatDateTime(rollout.created_at, i18n.language),
              by: rollout.created_by ?? '—',
            })}
          </Text>
        }
        actions={
          canWrite && (
            <>
              {rollout.status === 'running' && (
                <Button
                  variant="default"
                  leftSection={<IconPlayerPause size={16} aria-hidden />}
                  loading={action.isPending && action.variables.action === 'pause'}
                  onClick={() => action.mutate({ id: rollout.id, action: 'pause' })}
                >
                  {t('rollouts.actions.pause')}
                </Button>
              )}
              {rollout.status === 'paused' && (
                <Button
                  leftSection={<IconPlayerPlay size={16} aria-hidden />}
                  loading={action.isPending && action.variables.action === 'resume'}
                  onClick={() => action.mutate({ id: rollout.id, action: 'resume' })}
                >
                  {t('rollouts.actions.resume')}
                </Button>
              )}
              {(rollout.status === 'running' ||
                rollout.status === 'paused' ||
                rollout.status === 'planned') && (
                <Button
                  color="red"
                  variant="light"
                  leftSection={<IconSquareX size={16} aria-hidden />}
                  onClick={() => setAborting(true)}
                >
                  {t('rollouts.actions.abort')}
                </Button>
              )}
            </>
          )
        }
      />
      {rollout.status === 'paused' && (
        <Alert
          color="orange"
          variant="filled"
          icon={<IconAlertTriangle size={20} aria-hidden />}
          title={t('rollouts.pausedTitle')}
          role="alert"
        >
          {rollout.pause_reason ?? t('rollouts.pausedNoReason')}
        </Alert>
      )}
      {action.error && !aborting && <ErrorAlert error={action.error} />}
      <Stack gap={6}>
        <Group justify="space-between">
          <Text size="sm" fw={500}>
            {rollout.status === 'completed' || rollout.status === 'aborted'
              ? t('rollouts.progress.finished', { done: finished, total: counts.total })
              : t('rollouts.progress.running', {
                  done: finished,
                  total: counts.total,
                  wave,
                  waves: rollout.wave_count,
                })}
          </Text>
          <Text size="sm" c="dimmed">
            {[
              counts.updating > 0 && t('rollouts.counts.updating', { count: counts.updating }),
              counts.awaiting_approval > 0 &&
                t('rollouts.counts.awaiting_approval', { count: counts.awaiting_approval }),
              counts.soaking > 0 && t('rollouts.counts.soaking', { count: counts.soaking }),
              counts.failed > 0 && t('rollouts.counts.failed', { count: counts.failed }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        </Group>
        <Progress
          value={percent}
          color={counts.failed > 0 ? 'red' : rollout.status === 'completed' ? 'teal' : 'blue'}
          aria-label={t('rollouts.progress.label')}
          size="lg"
        />
      </Stack>
      <RolloutWaves slug={slug} rollout={rollout} />
      <AbortModal
        opened={aborting}
        title={title}
        pending={action.isPending}
        error={action.error}
        onClose={() => {
          setAborting(false);
          action.reset();
        }}
        onConfirm={(reason) =>
          action.mutate(
            { id: rollout.id, action: 'abort', body: reason ? { reason } : {} },
            { onSuccess: () => setAborting(false) },
          )
        }
      />
    </Stack>
  );
}

function AbortModal({
  opened,
  title,
  pending,
  error,
  onClose,
  onConfirm,
}: {
  opened: boolean;
  title: string;
  pending: boolean;
  error: Error | null;
  onClose: () => void;
  onConfirm: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <Modal opened={opened} onClose={onClose} title={t('rollouts.abort.title', { title })}>
      <Stack gap="md">
        <Text size="sm">{t('rollouts.abort.confirm')}</Text>
        <Textarea
          label={t('rollouts.abort.reason')}
          value={reason}
          maxLength={500}
          onChange={(event) => setReason(event.currentTarget.value)}
        />
        {error && <ErrorAlert error={error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button color="red" loading={pending} onClick={() => onConfirm(reason.trim())}>
            {t('rollouts.abort.button')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
