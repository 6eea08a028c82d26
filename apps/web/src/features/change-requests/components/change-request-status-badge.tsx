import type { ChangeRequest } from '@commander/contracts';
import { Badge } from '@mantine/core';
import {
  type Icon,
  IconArrowForwardUp,
  IconChecks,
  IconCircleCheck,
  IconCircleX,
  IconClockPause,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

const LOOK: Record<ChangeRequest['status'], { color: string; icon: Icon }> = {
  pending: { color: 'yellow', icon: IconClockPause },
  approved: { color: 'blue', icon: IconCircleCheck },
  completed: { color: 'teal', icon: IconChecks },
  rejected: { color: 'gray', icon: IconCircleX },
  superseded: { color: 'gray', icon: IconArrowForwardUp },
};

/** A change request's status: colour, icon and word. */
export function ChangeRequestStatusBadge({ status }: { status: ChangeRequest['status'] }) {
  const { t } = useTranslation();
  const look = LOOK[status];
  const Icon = look.icon;
  const word = t(`changeRequests.status.${status}`);
  return (
    <Badge
      variant="light"
      color={look.color}
      tt="none"
      leftSection={<Icon size={12} aria-hidden />}
      role="status"
      aria-label={t('changeRequests.statusLabel', { status: word })}
    >
      {word}
    </Badge>
  );
}
