import type { FormField, FormRow } from '@commander/renderer';
import {
  Alert,
  Box,
  MultiSelect,
  NumberInput,
  PasswordInput,
  Select,
  Skeleton,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import {
  displayValue,
  type FormContext,
  type FormState,
  isEmptyInput,
  type ParsedForm,
  REQUIRED,
  sameValue,
} from '../form-state.js';
import type { CatalogChoices, CatalogChoicesResult } from '../use-catalog-choices.js';

export type ClusterValuesFieldsProps = {
  parsed: ParsedForm;
  state: FormState;
  context: FormContext;
  choices: CatalogChoicesResult;
  errors: Record<string, string>;
  generalErrors?: string | null;
  onChange: (key: string, value: unknown) => void;
  /** Everything read-only (no permission to change the cluster). */
  readOnly?: boolean;
};

type FormRows = FormRow[];
type Field = FormField;

/** The rows as sections: a header (or none, before the first) and the fields under it. */
export function formSections(rows: FormRows): { title: string | null; fields: Field[] }[] {
  const sections: { title: string | null; fields: Field[] }[] = [];
  for (const row of rows) {
    for (const item of row.items) {
      if (item.kind === 'header') {
        sections.push({ title: item.title, fields: [] });
      } else {
        if (sections.length === 0) {
          sections.push({ title: null, fields: [] });
        }
        sections.at(-1)!.fields.push(item);
      }
    }
  }
  return sections.filter((s) => s.title !== null || s.fields.length > 0);
}

/** Fields that take a whole line: multi-line text, and those the template asks to be full width. */
export function isWideField(field: Field): boolean {
  return field.widget === 'textarea' || field.span >= 4;
}

/**
 * The form generated from a template version's params (renderer `describeForm`): rows 4 units
 * wide, headers, one input per visible field with its description, default as placeholder and
 * the problem next to it. Hidden fields are not shown.
 */
export function ClusterValuesFields({
  parsed,
  state,
  context,
  choices,
  errors,
  generalErrors,
  onChange,
  readOnly = false,
}: ClusterValuesFieldsProps) {
  const { t } = useTranslation();
  const { rows } = parsed.form;
  return (
    <Stack gap="sm">
      {generalErrors && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('clusterForm.serverProblems')}
          style={{ whiteSpace: 'pre-line' }}
        >
          {generalErrors}
        </Alert>
      )}
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('clusterForm.noFields')}
        </Text>
      )}
      {formSections(rows).map((section, i) => (
        <Stack key={i} gap="sm">
          {section.title !== null && (
            <Title order={3} size="h5" pt="md">
              {section.title}
            </Title>
          )}
          {/* Columns follow the form's own width (a narrow pane beside the preview gets fewer),
              so fields line up across rows instead of following each parameter's span. */}
          <Box
            data-form-grid
            style={{
              display: 'grid',
              gridTemplateColumns: 'repeat(auto-fill, minmax(min(100%, 15rem), 1fr))',
              gap: 'var(--mantine-spacing-sm)',
              alignItems: 'start',
            }}
          >
            {section.fields.map((item) => (
              <Box key={item.key} style={isWideField(item) ? { gridColumn: '1 / -1' } : undefined}>
                <FieldInput
                  field={item}
                  value={state[item.key]}
                  error={errors[item.key]}
                  context={context}
                  catalog={item.catalog ? (choices.bySlug.get(item.catalog.slug) ?? null) : null}
                  readOnly={readOnly || context.lockedKeys.has(item.key)}
                  onChange={(value) => onChange(item.key, value)}
                />
              </Box>
            ))}
          </Box>
        </Stack>
      ))}
    </Stack>
  );
}

type FieldInputProps = {
  field: FormField;
  value: unknown;
  error: string | undefined;
  context: FormContext;
  catalog: CatalogChoices | null;
  readOnly: boolean;
  onChange: (value: unknown) => void;
};

/** ISO timestamp → `YYYY-MM-DDTHH:mm` in local time for a datetime-local input. */
function toLocalInput(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    return '';
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function FieldInput({
  field,
  value,
  error,
  context,
  catalog,
  readOnly,
  onChange,
}: FieldInputProps) {
  const { t } = useTranslation();
  const message = error === REQUIRED ? t('validation.required') : error;
  const locked = context.lockedKeys.has(field.key);
  const description = [field.description, locked ? t('clusterForm.immutableLocked') : null]
    .filter(Boolean)
    .join('\n');
  const common = {
    label: field.label,
    description: description ? (
      <span style={{ whiteSpace: 'pre-line' }}>{description}</span>
    ) : undefined,
    error: message,
    required: field.required,
    disabled: readOnly,
    rightSection: locked ? <IconLock size={14} aria-hidden /> : undefined,
  };

  switch (field.widget) {
    case 'switch':
      return (
        <Switch
          mt="lg"
          label={field.label}
          description={common.description}
          error={message}
          disabled={readOnly}
          checked={value === true}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          placeholder={field.placeholder}
          min={field.min}
          max={field.max}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={onChange}
        />
      );
    case 'password': {
      const stored = context.storedSecrets.has(field.key);
      return (
        <PasswordInput
          {...common}
          required={field.required && !stored}
          placeholder={stored ? t('clusterForm.secretUnchanged') : undefined}
          description={
            stored ? (
              <>
                {common.description}
                {common.description ? ' ' : null}
                {t('clusterForm.secretStored')}
              </>
            ) : (
              common.description
            )
          }
          autoComplete="new-password"
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
    }
    case 'textarea':
      return (
        <Textarea
          {...common}
          placeholder={field.placeholder}
          autosize
          minRows={3}
          maxRows={12}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
    case 'date-time':
      return (
        <TextInput
          {...common}
          type="datetime-local"
          description={[field.description, t('clusterForm.dateTimeHint')].filter(Boolean).join(' ')}
          value={toLocalInput(value)}
          onChange={(event) => {
            const local = event.currentTarget.value;
            const date = new Date(local);
            onChange(local === '' || Number.isNaN(date.getTime()) ? '' : date.toISOString());
          }}
        />
      );
    case 'select':
      return <OptionsInput field={field} value={value} common={common} onChange={onChange} />;
    case 'catalog':
      return (
        <CatalogPicker
          field={field}
          value={value}
          common={common}
          catalog={catalog}
          onChange={onChange}
        />
      );
    case 'text':
    default:
      if (locked) {
        // A locked value is read, not typed: it wraps in full instead of being cut at the edge.
        return (
          <Textarea
            {...common}
            autosize
            minRows={1}
            readOnly
            value={value === undefined || value === null ? '' : displayValue(value)}
          />
        );
      }
      return (
        <TextInput
          {...common}
          placeholder={field.placeholder}
          autoComplete="off"
          value={value === undefined || value === null ? '' : displayValue(value)}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
  }
}

type CommonProps = {
  label: string;
  description: React.ReactNode;
  error: string | undefined;
  required: boolean;
  disabled: boolean;
  rightSection: React.ReactNode;
};

/** `enum` and `select` fields: options by position (option values may be objects). */
function OptionsInput({
  field,
  value,
  common,
  onChange,
}: {
  field: FormField;
  value: unknown;
  common: CommonProps;
  onChange: (value: unknown) => void;
}) {
  const options = field.options ?? [];
  const data = options.map((o, i) => ({ value: String(i), label: o.label }));
  const indexOf = (v: unknown) => {
    const i = options.findIndex((o) => sameValue(o.value, v));
    return i >= 0 ? String(i) : null;
  };
  const valueAt = (i: string) => options[Number(i)]?.value;
  if (field.multiple) {
    const selected = (Array.isArray(value) ? value : [])
      .map(indexOf)
      .filter((i): i is string => i !== null);
    return (
      <MultiSelect
        {...common}
        rightSection={undefined}
        data={data}
        value={selected}
        maxValues={field.maxItems}
        placeholder={field.placeholder}
        onChange={(next) => onChange(next.map(valueAt))}
        clearable={!field.required}
      />
    );
  }
  return (
    <Select
      {...common}
      data={data}
      value={isEmptyInput(value) ? null : indexOf(value)}
      placeholder={field.placeholder}
      allowDeselect={!field.required}
      clearable={!field.required}
      onChange={(next) => onChange(next === null ? null : valueAt(next))}
    />
  );
}

/** A catalog field: records of the catalog by their identifier fields. */
function CatalogPicker({
  field,
  value,
  common,
  catalog,
  onChange,
}: {
  field: FormField;
  value: unknown;
  common: CommonProps;
  catalog: CatalogChoices | null;
  onChange: (value: unknown) => void;
}) {
  const { t } = useTranslation();
  if (catalog?.isPending) {
    return <Skeleton height={60} aria-label={t('common.loading')} />;
  }
  const slug = field.catalog?.slug ?? '';
  const data = (catalog?.options ?? []).map((o) => ({ value: o.id, label: o.label }));
  const autoselect = field.catalog?.autoselect === true;
  const pool = (catalog?.autoselectPool ?? []).slice(0, Math.max(1, field.minItems ?? 1));
  const hints = [
    autoselect ? t('clusterForm.autoselectHint') : null,
    autoselect && isEmptyInput(value) && pool.length > 0
      ? t('clusterForm.autoselectNow', { records: pool.map((r) => r.label).join('; ') })
      : null,
    field.multiple
      ? t('clusterForm.recordCount', {
          min: field.minItems ?? 0,
          max: field.maxItems ?? data.length,
        })
      : null,
    catalog?.catalog === null ? t('clusterForm.catalogMissing', { slug }) : null,
    catalog?.catalog && data.length === 0 ? t('clusterForm.noRecords') : null,
    catalog?.error ? catalog.error.message : null,
  ].filter((h): h is string => h !== null);
  const description = (
    <>
      {common.description}
      {common.description && hints.length > 0 ? ' ' : null}
      {hints.join(' ')}
    </>
  );
  const required = common.required && !autoselect;
  if (field.multiple) {
    return (
      <MultiSelect
        {...common}
        rightSection={undefined}
        required={required}
        description={description}
        data={data}
        searchable
        value={Array.isArray(value) ? (value as string[]) : []}
        maxValues={field.maxItems}
        placeholder={autoselect ? t('clusterForm.autoselectPlaceholder') : undefined}
        nothingFoundMessage={t('clusterForm.noRecords')}
        onChange={(next) => onChange(next)}
        clearable
      />
    );
  }
  return (
    <Select
      {...common}
      required={required}
      description={description}
      data={data}
      searchable
      value={typeof value === 'string' ? value : null}
      placeholder={autoselect ? t('clusterForm.autoselectPlaceholder') : undefined}
      nothingFoundMessage={t('clusterForm.noRecords')}
      clearable
      onChange={(next) => onChange(next)}
    />
  );
}
