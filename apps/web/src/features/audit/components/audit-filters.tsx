import { Autocomplete, Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AuditFilter } from '../audit.api.js';

/** Object types the API records (`auditable_type`). */
export const AUDITABLE_TYPES = [
  'Cluster',
  'ClusterSettings',
  'ClusterOperation',
  'ChangeRequest',
  'ClusterTemplate',
  'ClusterTemplateVersion',
  'Catalog',
  'Record',
  'AuthToken',
  'User',
  'Role',
  'RoleBinding',
  'Workspace',
] as const;

/** Actions the API records, offered as suggestions (any text is allowed). */
const ACTIONS = [
  'create',
  'update',
  'delete',
  'attach',
  'join',
  'detach',
  'check',
  'retry',
  'cancel',
  'approve',
  'reject',
  'move',
  'rollback',
  'archive_without_cleanup',
  'restore',
  'revoke',
  'rotate_agent_key',
  'login',
  'logout',
];

/**
 * Text the user is typing into a filter kept in the URL: shown at once, committed after a
 * short pause; a change of the URL (back, clear) replaces it.
 */
function useTypedText(
  committed: string | undefined,
  commit: (value: string) => void,
): [string, (value: string) => void] {
  const [text, setText] = useState(committed ?? '');
  const [last, setLast] = useState(committed ?? '');
  if ((committed ?? '') !== last) {
    setLast(committed ?? '');
    setText(committed ?? '');
  }
  const debounced = useDebouncedCallback((value: string) => commit(value.trim()), 300);
  return [
    text,
    (value: string) => {
      setText(value);
      debounced(value);
    },
  ];
}

export type AuditFiltersProps = {
  filter: AuditFilter;
  /** Hide the object type filter (the cluster tab fixes it). */
  withType: boolean;
  onChange: (changes: Partial<Record<'type' | 'action' | 'user' | 'from' | 'to', string>>) => void;
  onClear: () => void;
};

/** Object type, action, who, and a time window; the page keeps them in the URL. */
export function AuditFilters({ filter, withType, onChange, onClear }: AuditFiltersProps) {
  const { t } = useTranslation();
  const [user, setUser] = useTypedText(filter.user, (value) => onChange({ user: value }));
  const [action, setAction] = useTypedText(filter.action, (value) => onChange({ action: value }));
  const hasFilters = Boolean(
    (withType && filter.type) || filter.action || filter.user || filter.from || filter.to,
  );
  return (
    <Group gap="sm" align="flex-end" role="search" aria-label={t('audit.filters')} flex={1}>
      {withType && (
        <Select
          label={t('audit.filter.type')}
          placeholder={t('audit.filter.anyType')}
          data={[...AUDITABLE_TYPES]}
          value={filter.type ?? null}
          onChange={(value) => onChange({ type: value ?? '' })}
          clearable
          searchable
          w={180}
        />
      )}
      <Autocomplete
        label={t('audit.filter.action')}
        placeholder={t('audit.filter.anyAction')}
        data={ACTIONS}
        value={action}
        onChange={setAction}
        w={160}
      />
      <TextInput
        label={t('audit.filter.user')}
        placeholder={t('audit.filter.userPlaceholder')}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={user}
        onChange={(event) => setUser(event.currentTarget.value)}
        w={200}
      />
      <TextInput
        type="datetime-local"
        label={t('audit.filter.from')}
        value={filter.from ?? ''}
        onChange={(event) => onChange({ from: event.currentTarget.value })}
        w={190}
      />
      <TextInput
        type="datetime-local"
        label={t('audit.filter.to')}
        value={filter.to ?? ''}
        onChange={(event) => onChange({ to: event.currentTarget.value })}
        w={190}
      />
      {hasFilters && (
        <Button
          variant="subtle"
          leftSection={<IconFilterOff size={16} aria-hidden />}
          onClick={onClear}
        >
          {t('audit.clearFilters')}
        </Button>
      )}
    </Group>
  );
}
