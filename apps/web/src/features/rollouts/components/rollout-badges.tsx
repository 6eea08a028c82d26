import type { RolloutChange, RolloutClusterState, RolloutStatus } from '@commander/contracts';
import { Badge, type BadgeProps } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleX,
  IconClock,
  IconHandStop,
  IconLoader2,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerSkipForward,
  IconSquareX,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { WHOLE_WORDS } from '../../../components/ui/badge-styles.js';

type Look = { color: string; icon: typeof IconCircleCheck };

const STATUS_LOOK: Record<RolloutStatus, Look> = {
  planned: { color: 'gray', icon: IconCircleDashed },
  running: { color: 'blue', icon: IconPlayerPlay },
  paused: { color: 'orange', icon: IconPlayerPause },
  completed: { color: 'teal', icon: IconCircleCheck },
  aborted: { color: 'gray', icon: IconSquareX },
};

const STATE_LOOK: Record<RolloutClusterState, Look> = {
  pending: { color: 'gray', icon: IconCircleDashed },
  updating: { color: 'blue', icon: IconLoader2 },
  awaiting_approval: { color: 'yellow', icon: IconHandStop },
  soaking: { color: 'cyan', icon: IconClock },
  done: { color: 'teal', icon: IconCircleCheck },
  failed: { color: 'red', icon: IconCircleX },
  skipped: { color: 'gray', icon: IconPlayerSkipForward },
};

const CHANGE_COLOR: Record<RolloutChange, string> = {
  none: 'gray',
  change: 'blue',
  destructive: 'orange',
  invalid: 'red',
};

/** A rollout's status; its accessible name reads "Rollout: Paused". */
export function RolloutStatusBadge({
  status,
  size = 'md',
}: {
  status: RolloutStatus;
  size?: BadgeProps['size'];
}) {
  const { t } = useTranslation();
  const look = STATUS_LOOK[status];
  const Icon = look.icon;
  const word = t(`rollouts.status.${status}`);
  return (
    <Badge
      role="status"
      aria-label={t('rollouts.statusLabel', { status: word })}
      color={look.color}
      variant="light"
      size={size}
      leftSection={<Icon size={14} aria-hidden />}
      tt="none"
      styles={WHOLE_WORDS}
    >
      {word}
    </Badge>
  );
}

/** A cluster's state in a rollout; its accessible name reads "web-1: Soaking". */
export function RolloutClusterStateBadge({
  state,
  clusterName,
}: {
  state: RolloutClusterState;
  clusterName: string;
}) {
  const { t } = useTranslation();
  const look = STATE_LOOK[state];
  const Icon = look.icon;
  const word = t(`rollouts.clusterState.${state}`);
  return (
    <Badge
      role="status"
      aria-label={t('rollouts.clusterStateLabel', { name: clusterName, state: word })}
      color={look.color}
      variant="light"
      size="sm"
      leftSection={<Icon size={12} aria-hidden />}
      tt="none"
      styles={WHOLE_WORDS}
    >
      {word}
    </Badge>
  );
}

/** What the target version changes for a cluster: no change, change, destructive, invalid. */
export function RolloutChangeBadge({ change }: { change: RolloutChange }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={CHANGE_COLOR[change]}
      variant={change === 'none' ? 'outline' : 'light'}
      size="sm"
      tt="none"
      styles={WHOLE_WORDS}
      leftSection={
        change === 'destructive' || change === 'invalid' ? (
          <IconAlertTriangle size={12} aria-hidden />
        ) : undefined
      }
    >
      {t(`rollouts.change.${change}`)}
    </Badge>
  );
}
