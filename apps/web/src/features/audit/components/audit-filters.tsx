import '@mantine/dates/styles.css';
import 'dayjs/locale/ru';

import { Button, Group, Select, Switch, TextInput } from '@mantine/core';
import { DatesProvider, DateTimePicker } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconCalendarClock, IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AuditFilter } from '../audit.api.js';
import { localValueOf, pickerValueOf, rangePresets } from '../audit-range.js';
import { AUDIT_ACTIONS, AUDITABLE_TYPES, auditActionWord, auditTypeWord } from '../audit-words.js';

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
  onChange: (
    changes: Partial<Record<'type' | 'action' | 'user' | 'from' | 'to' | 'system', string>>,
  ) => void;
  onClear: () => void;
};

/**
 * Object type, action, who, a date-time range (with "last hour"… presets), and whether the
 * managers' and agents' events show; the page keeps them in the URL.
 */
export function AuditFilters({ filter, withType, onChange, onClear }: AuditFiltersProps) {
  const { t, i18n } = useTranslation();
  const [user, setUser] = useTypedText(filter.user, (value) => onChange({ user: value }));
  const hasFilters = Boolean(
    (withType && filter.type) ||
    filter.action ||
    filter.user ||
    filter.from ||
    filter.to ||
    filter.system,
  );
  const types = useMemo(
    () =>
      AUDITABLE_TYPES.map((type) => ({ value: type, label: auditTypeWord(type, t) })).sort((a, b) =>
        a.label.localeCompare(b.label, i18n.language),
      ),
    [t, i18n.language],
  );
  const actions = useMemo(() => {
    const known: { value: string; label: string }[] = AUDIT_ACTIONS.map((action) => ({
      value: action,
      label: auditActionWord(action, t),
    }));
    // An action typed into the URL that this version does not know still shows.
    if (filter.action && !known.some((a) => a.value === filter.action)) {
      known.push({ value: filter.action, label: filter.action });
    }
    return known.sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  }, [t, i18n.language, filter.action]);
  const range: [string | null, string | null] = [
    pickerValueOf(filter.from),
    pickerValueOf(filter.to),
  ];
  return (
    <Group gap="sm" align="flex-end" role="search" aria-label={t('audit.filters')} flex={1}>
      {withType && (
        <Select
          label={t('audit.filter.type')}
          placeholder={t('audit.filter.anyType')}
          data={types}
          value={filter.type ?? null}
          onChange={(value) => onChange({ type: value ?? '' })}
          clearable
          searchable
          w={200}
        />
      )}
      <Select
        label={t('audit.filter.action')}
        placeholder={t('audit.filter.anyAction')}
        data={actions}
        value={filter.action ?? null}
        onChange={(value) => onChange({ action: value ?? '' })}
        clearable
        searchable
        w={200}
      />
      <TextInput
        label={t('audit.filter.user')}
        placeholder={t('audit.filter.userPlaceholder')}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={user}
        onChange={(event) => setUser(event.currentTarget.value)}
        w={200}
      />
      <DatesProvider settings={{ locale: i18n.language, firstDayOfWeek: 1 }}>
        <DateTimePicker
          type="range"
          label={t('auditWords.range.label')}
          placeholder={t('auditWords.range.any')}
          leftSection={<IconCalendarClock size={16} aria-hidden />}
          value={range}
          valueFormat="DD MMM YYYY HH:mm"
          labelSeparator="–"
          presets={rangePresets(new Date(), (key) => t(`auditWords.range.${key}`))}
          onChange={([from, to]) => onChange({ from: localValueOf(from), to: localValueOf(to) })}
          clearable
          miw={240}
        />
      </DatesProvider>
      <Switch
        label={t('auditWords.showSystem')}
        checked={Boolean(filter.system)}
        onChange={(event) => onChange({ system: event.currentTarget.checked ? '1' : '' })}
        mb={8}
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
