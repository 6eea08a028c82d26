import type { ClusterStatus } from '@commander/contracts';
import { Badge, type BadgeProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { WHOLE_WORDS } from '../../../components/ui/badge-styles.js';
import { CLUSTER_STATUS_LOOK } from '../cluster-status.js';

export type ClusterStatusBadgeProps = {
  status: ClusterStatus;
  count?: number;
  size?: BadgeProps['size'];
};

/** Status as colour, icon and word; its accessible name reads "Status: Ready". */
export function ClusterStatusBadge({ status, count, size = 'md' }: ClusterStatusBadgeProps) {
  const { t } = useTranslation();
  const look = CLUSTER_STATUS_LOOK[status];
  const Icon = look.icon;
  const word = t(`clusterStatus.${status}`);
  const label =
    count === undefined
      ? t('clusters.statusLabel', { status: word })
      : t('clusters.statusCountLabel', { status: word, count });
  return (
    <Badge
      role="status"
      aria-label={label}
      color={look.color}
      variant="light"
      size={size}
      leftSection={<Icon size={14} aria-hidden />}
      tt="none"
      styles={WHOLE_WORDS}
    >
      {word}
      {count !== undefined && ` · ${count}`}
    </Badge>
  );
}
