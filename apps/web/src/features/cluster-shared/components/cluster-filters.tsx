import { CLUSTER_STATUSES, type ClusterStatus } from '@commander/contracts';
import { Group, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export type ClusterFiltersProps = {
  status: ClusterStatus | undefined;
  q: string;
  onStatusChange: (status: ClusterStatus | undefined) => void;
  onQueryChange: (q: string) => void;
};

/** Status and name filters; the page keeps them in the URL. */
export function ClusterFilters({ status, q, onStatusChange, onQueryChange }: ClusterFiltersProps) {
  const { t } = useTranslation();
  // What the user is typing; the URL (and the request) follow after a short pause.
  const [text, setText] = useState(q);
  const [lastQ, setLastQ] = useState(q);
  if (q !== lastQ) {
    setLastQ(q);
    setText(q);
  }
  const commit = useDebouncedCallback((value: string) => onQueryChange(value.trim()), 300);
  return (
    <Group gap="sm" align="flex-end" role="search" aria-label={t('clusters.filters')}>
      <TextInput
        label={t('clusters.search')}
        placeholder={t('clusters.searchPlaceholder')}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          commit(event.currentTarget.value);
        }}
        w={260}
      />
      <Select
        label={t('clusters.statusFilter')}
        placeholder={t('clusters.allStatuses')}
        data={CLUSTER_STATUSES.map((s) => ({ value: s, label: t(`clusterStatus.${s}`) }))}
        value={status ?? null}
        onChange={(value) => onStatusChange(value ?? undefined)}
        clearable
        w={220}
        comboboxProps={{ withinPortal: true }}
      />
    </Group>
  );
}
