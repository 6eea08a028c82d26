import { Badge } from '@mantine/core';
import {
  type Icon,
  IconHelpCircle,
  IconPlugConnected,
  IconPlugConnectedX,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { WHOLE_WORDS } from '../../../components/ui/badge-styles.js';

const LOOK: Record<'online' | 'lost' | 'unknown', { color: string; icon: Icon }> = {
  online: { color: 'teal', icon: IconPlugConnected },
  lost: { color: 'red', icon: IconPlugConnectedX },
  unknown: { color: 'gray', icon: IconHelpCircle },
};

/** Whether the cluster's agent reports: colour, icon and word. */
export function AgentStatusBadge({ status, size = 'md' }: { status: string; size?: 'sm' | 'md' }) {
  const { t } = useTranslation();
  const key = status === 'online' || status === 'lost' ? status : 'unknown';
  const look = LOOK[key];
  const Icon = look.icon;
  const word = t(`telemetry.agent.${key}`);
  return (
    <Badge
      variant="light"
      color={look.color}
      tt="none"
      styles={WHOLE_WORDS}
      size={size}
      leftSection={<Icon size={12} aria-hidden />}
      role="status"
      aria-label={t('telemetry.agent.label', { status: word })}
    >
      {word}
    </Badge>
  );
}
