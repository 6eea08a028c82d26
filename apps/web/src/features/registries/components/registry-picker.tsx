import type { RegistryMode } from '@commander/contracts';
import { Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import { registryQueries } from '../registries.api.js';

/** The cluster's registry choice as the API takes it. */
export type RegistryChoice = { registry_id: string | null; registry_mode: RegistryMode | null };

const NONE = '';

/**
 * Hidden for callers who may not read registries. Chooses the cluster's container registry (or none: the template's InitConfiguration) and the
 * registry mode. Choosing a registry defaults the mode to Direct; clearing it clears the mode.
 */
export function RegistryPicker({
  slug,
  value,
  onChange,
  disabled,
  error,
}: {
  slug: string;
  value: RegistryChoice;
  onChange: (choice: RegistryChoice) => void;
  disabled?: boolean;
  error?: string | null;
}) {
  const { t } = useTranslation();
  const { me } = useCurrentWorkspace();
  const canRead = canInWorkspace(me, slug, 'registries:read');
  const registries = useQuery({ ...registryQueries.list(slug), enabled: canRead });
  if (!canRead) {
    // Without registries:read the choice cannot be shown; the cluster keeps what it has.
    return null;
  }
  const items = registries.data?.items ?? [];
  const data = [
    { value: NONE, label: t('registries.picker.none') },
    ...items.map((r) => ({ value: r.id, label: `${r.name} (${r.images_repo})` })),
  ];
  return (
    <Stack gap="xs">
      <Select
        label={t('registries.picker.label')}
        placeholder={t('registries.picker.placeholder')}
        data={data}
        value={value.registry_id ?? NONE}
        allowDeselect={false}
        disabled={disabled}
        error={error ?? (registries.isError ? registries.error.message : undefined)}
        onChange={(id) =>
          onChange(
            id && id !== NONE
              ? { registry_id: id, registry_mode: value.registry_mode ?? 'Direct' }
              : { registry_id: null, registry_mode: null },
          )
        }
      />
      {value.registry_id !== null && (
        <Stack gap={4}>
          <Group gap="sm">
            <Text size="sm" fw={500} id="registry-mode-label">
              {t('registries.picker.mode')}
            </Text>
            <SegmentedControl
              aria-labelledby="registry-mode-label"
              size="xs"
              disabled={disabled}
              value={value.registry_mode ?? 'Direct'}
              data={[
                { value: 'Direct', label: t('registries.picker.direct') },
                { value: 'Unmanaged', label: t('registries.picker.unmanaged') },
              ]}
              onChange={(mode) =>
                onChange({
                  registry_id: value.registry_id,
                  registry_mode: mode === 'Unmanaged' ? 'Unmanaged' : 'Direct',
                })
              }
            />
          </Group>
          <Text size="xs" c="dimmed">
            {t('registries.picker.modeHelp')}
          </Text>
        </Stack>
      )}
    </Stack>
  );
}
