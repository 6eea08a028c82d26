import { Group, Skeleton, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';

export type ConfigDiffProps = {
  applied: string;
  desired: string;
  appliedLabel: string;
  desiredLabel: string;
};

// CodeMirror is heavy; only pages that show a diff load it. Used by change requests and the
// configuration tab.
const LazyConfigDiff = lazy(() =>
  import('./config-diff-impl.js').then((m) => ({ default: m.ConfigDiffImpl })),
);

/** Applied (left) and desired (right) configuration side by side, changes highlighted. */
export function ConfigDiff(props: ConfigDiffProps) {
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
        <Suspense fallback={<Skeleton height={200} />}>
          <LazyConfigDiff {...props} />
        </Suspense>
      </div>
    </div>
  );
}
