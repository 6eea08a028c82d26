import { Group, Skeleton, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';

export type ConfigurationDiffProps = {
  applied: string;
  desired: string;
  appliedLabel: string;
  desiredLabel: string;
};

const LazyDiff = lazy(() =>
  import('./configuration-diff-impl.js').then((m) => ({ default: m.ConfigurationDiffImpl })),
);

/** Applied and desired YAML side by side, differences highlighted, unchanged runs folded. */
export function ConfigurationDiff(props: ConfigurationDiffProps) {
  return (
    <div>
      <Group grow gap="xs" mb={4}>
        <Text size="xs" fw={600} c="dimmed">
          {props.appliedLabel}
        </Text>
        <Text size="xs" fw={600} c="dimmed">
          {props.desiredLabel}
        </Text>
      </Group>
      <div
        style={{
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
          overflow: 'hidden',
        }}
      >
        <Suspense fallback={<Skeleton height={240} />}>
          <LazyDiff {...props} />
        </Suspense>
      </div>
    </div>
  );
}
