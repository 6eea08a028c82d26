import { Badge, type BadgeProps } from '@mantine/core';
import {
  type Icon,
  IconArrowForwardUp,
  IconBan,
  IconCircleCheck,
  IconCircleX,
  IconClock,
  IconLoader2,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { operationStatusColor, operationStatusWord } from '../operation-words.js';

const ICONS: Record<string, Icon> = {
  queued: IconClock,
  running: IconLoader2,
  succeeded: IconCircleCheck,
  failed: IconCircleX,
  cancelled: IconBan,
  superseded: IconArrowForwardUp,
};

/** Operation status as colour, icon and word ("Operation status: Running"). */
export function OperationStatusBadge({
  status,
  size = 'sm',
}: {
  status: string;
  size?: BadgeProps['size'];
}) {
  const { t } = useTranslation();
  const Icon = ICONS[status] ?? IconClock;
  const word = operationStatusWord(status, t);
  return (
    <Badge
      color={operationStatusColor(status)}
      variant="light"
      size={size}
      tt="none"
      aria-label={t('operations.statusLabel', { status: word })}
      leftSection={<Icon size={12} aria-hidden />}
    >
      {word}
    </Badge>
  );
}
