import { Group, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import {
  type Icon,
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleX,
  IconHelpCircle,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import type { ComponentProbe } from '../agent-data.js';

type Health = 'available' | 'degraded' | 'unavailable' | 'unknown';

const LOOK: Record<Health, { color: string; icon: Icon }> = {
  available: { color: 'teal', icon: IconCircleCheck },
  degraded: { color: 'yellow', icon: IconAlertTriangle },
  unavailable: { color: 'red', icon: IconCircleX },
  unknown: { color: 'gray', icon: IconHelpCircle },
};

/** upmeter-style availability (0..1) in words: ≥ 99 % available, ≥ 50 % degraded. */
export function probeHealth(availability: number | null): Health {
  if (availability === null) {
    return 'unknown';
  }
  return availability >= 0.99 ? 'available' : availability >= 0.5 ? 'degraded' : 'unavailable';
}

/** Availability of the cluster's system components (upmeter probes). */
export function ComponentAvailability({ components }: { components: ComponentProbe[] }) {
  const { t, i18n } = useTranslation();
  const percent = new Intl.NumberFormat(i18n.language, {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="telemetry-components">
      <Stack gap="sm">
        <Title order={3} size="h5" id="telemetry-components">
          {t('telemetry.components.title')}
        </Title>
        {components.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('telemetry.components.none')}
          </Text>
        ) : (
          <List spacing={6} listStyleType="none" aria-label={t('telemetry.components.title')}>
            {components.map((c) => {
              const health = probeHealth(c.availability);
              const Icon = LOOK[health].icon;
              return (
                <List.Item key={c.probe}>
                  <Group gap="xs" wrap="nowrap">
                    <ThemeIcon size="sm" variant="light" color={LOOK[health].color} aria-hidden>
                      <Icon size={14} />
                    </ThemeIcon>
                    <Text size="sm" ff="monospace">
                      {c.probe}
                    </Text>
                    <Text
                      size="xs"
                      c={LOOK[health].color === 'gray' ? 'dimmed' : LOOK[health].color}
                    >
                      {t(`telemetry.components.health.${health}`)}
                    </Text>
                    {c.availability !== null && (
                      <Text size="xs" c="dimmed">
                        {percent.format(c.availability)}
                      </Text>
                    )}
                  </Group>
                </List.Item>
              );
            })}
          </List>
        )}
      </Stack>
    </Paper>
  );
}
