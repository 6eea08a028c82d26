import type { OperationPhase, PhaseStatus } from '@commander/contracts';
import { Group, List, Text, ThemeIcon } from '@mantine/core';
import {
  type Icon,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleX,
  IconLoader2,
  IconPlayerSkipForward,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { formatDuration, spanDuration } from '../../../lib/format.js';

const LOOK: Record<PhaseStatus, { color: string; icon: Icon }> = {
  pending: { color: 'gray', icon: IconCircleDashed },
  running: { color: 'blue', icon: IconLoader2 },
  completed: { color: 'teal', icon: IconCircleCheck },
  skipped: { color: 'gray', icon: IconPlayerSkipForward },
  failed: { color: 'red', icon: IconCircleX },
};

/** The phases of an operation, each with its status (icon, colour and word) and duration. */
export function OperationPhases({ phases }: { phases: OperationPhase[] }) {
  const { t, i18n } = useTranslation();
  if (phases.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('operations.noPhases')}
      </Text>
    );
  }
  return (
    <List spacing={6} listStyleType="none" aria-label={t('operations.phases')}>
      {phases.map((phase) => {
        const look = LOOK[phase.status];
        const Icon = look.icon;
        const duration = spanDuration(phase.started_at, phase.finished_at);
        return (
          <List.Item key={phase.name}>
            <Group gap="xs" wrap="nowrap">
              <ThemeIcon size="sm" variant="light" color={look.color} aria-hidden>
                <Icon size={14} />
              </ThemeIcon>
              {/* Phase names are long words (InstallAdditionalMastersAndStaticNodes): they
                  break rather than widen a phone's page. */}
              <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
                {phase.name}
              </Text>
              <Text size="xs" c={look.color === 'gray' ? 'dimmed' : look.color}>
                {t(`phaseStatus.${phase.status}`)}
              </Text>
              {duration !== null && (
                <Text size="xs" c="dimmed">
                  {formatDuration(duration, i18n.language)}
                </Text>
              )}
            </Group>
          </List.Item>
        );
      })}
    </List>
  );
}
