import { type Catalog, CreateCatalogBodySchema } from '@commander/contracts';
import { parseParams } from '@commander/renderer';
import { Alert, Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { ImportTextField } from '../../../components/ui/import-text-field.js';
import { isApiError } from '../../../lib/api-client.js';
import { fieldRule } from '../../../lib/validation.js';
import { TemplateCodeField } from '../../cluster-templates/components/template-code-editor.js';
import { paramsToYaml } from '../../cluster-templates/template-draft.js';
import { useArchiveCatalog, useCreateCatalog, useUpdateCatalog } from '../inventory.api.js';

type Usage = Catalog['usage'];

/** The schema editor's problems (renderer parseParams), checked a moment after typing. */
function useSchemaProblems(text: string) {
  const [debounced] = useDebouncedValue(text, 300);
  return useMemo(() => parseParams(debounced).errors, [debounced]);
}

function SchemaField({
  value,
  onChange,
  readOnly,
}: {
  value: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const problems = useSchemaProblems(value);
  return (
    <Stack gap={4}>
      <TemplateCodeField
        label={t('inventory.fields.schema')}
        description={t('inventory.fields.schemaHelp')}
        value={value}
        onChange={readOnly ? undefined : onChange}
        readOnly={readOnly}
        markers={problems.map((p) => ({ line: p.line, message: p.message }))}
        minHeight="200px"
        maxHeight="420px"
      />
      {problems.length > 0 && (
        <Text size="sm" c="red" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {problems
            .map((p) =>
              p.line === null
                ? p.message
                : t('inventory.fields.schemaLine', { line: p.line, message: p.message }),
            )
            .join('\n')}
        </Text>
      )}
    </Stack>
  );
}

function UsageField({ value, onChange }: { value: Usage; onChange: (usage: Usage) => void }) {
  const { t } = useTranslation();
  return (
    <Radio.Group
      label={t('inventory.fields.usage')}
      value={value}
      onChange={(v) => onChange(v === 'exclusive' ? 'exclusive' : 'shared')}
    >
      <Stack gap={6} mt={6}>
        <Radio
          value="shared"
          label={t('inventory.usage.shared')}
          description={t('inventory.usage.sharedHelp')}
        />
        <Radio
          value="exclusive"
          label={t('inventory.usage.exclusive')}
          description={t('inventory.usage.exclusiveHelp')}
        />
      </Stack>
    </Radio.Group>
  );
}

/** Creates a catalog: name, slug (fixed afterwards), usage and the records' schema (YAML). */
export function CreateCatalogModal({
  slug,
  opened,
  onClose,
  onCreated,
}: {
  slug: string;
  opened: boolean;
  onClose: () => void;
  onCreated: (catalog: Catalog) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateCatalog(slug, t('inventory.create.created'));
  const [name, setName] = useState('');
  const [catalogSlug, setCatalogSlug] = useState('');
  const [usage, setUsage] = useState<Usage>('shared');
  const [schema, setSchema] = useState('');
  const [touched, setTouched] = useState({ name: false, slug: false });
  const nameError = fieldRule(CreateCatalogBodySchema.shape.name, t)(name);
  const slugError = CreateCatalogBodySchema.shape.slug.safeParse(catalogSlug).success
    ? null
    : t('inventory.fields.slugRule');
  const schemaErrors = parseParams(schema).errors;
  const close = () => {
    setName('');
    setCatalogSlug('');
    setUsage('shared');
    setSchema('');
    setTouched({ name: false, slug: false });
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('inventory.create.title')} size="xl">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setTouched({ name: true, slug: true });
          if (nameError || slugError || schemaErrors.length > 0) {
            return;
          }
          create.mutate(
            { name: name.trim(), slug: catalogSlug, usage, params: schema },
            {
              onSuccess: (catalog) => {
                close();
                onCreated(catalog);
              },
            },
          );
        }}
      >
        <Stack>
          {create.isError && !isApiError(create.error, 'slug_taken') && (
            <ErrorAlert error={create.error} title={t('inventory.create.failed')} />
          )}
          <Group grow align="flex-start">
            <TextInput
              label={t('inventory.fields.name')}
              required
              data-autofocus
              autoComplete="off"
              value={name}
              error={touched.name ? nameError : null}
              onChange={(event) => {
                setName(event.currentTarget.value);
                setTouched((x) => ({ ...x, name: true }));
              }}
            />
            <TextInput
              label={t('inventory.fields.slug')}
              description={t('inventory.fields.slugHelp')}
              required
              autoComplete="off"
              value={catalogSlug}
              error={
                isApiError(create.error, 'slug_taken')
                  ? t('inventory.create.slugTaken')
                  : touched.slug
                    ? slugError
                    : null
              }
              onChange={(event) => {
                setCatalogSlug(event.currentTarget.value);
                setTouched((x) => ({ ...x, slug: true }));
                create.reset();
              }}
            />
          </Group>
          <UsageField value={usage} onChange={setUsage} />
          <SchemaField value={schema} onChange={setSchema} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('inventory.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** What an import document must look like (Commander's export of a catalog). */
export function parseCatalogImport(
  text: string,
): { ok: true; body: Record<string, unknown> } | { ok: false; problem: 'json' | 'shape' } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'json' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, problem: 'shape' };
  }
  const d = doc as Record<string, unknown>;
  if (typeof d.name !== 'string' || typeof d.slug !== 'string') {
    return { ok: false, problem: 'shape' };
  }
  return { ok: true, body: d };
}

/**
 * Imports a catalog in Commander's JSON shape `{name, slug, params, resources: [{values}]}`.
 * Into an existing slug the records are added without schema checks (the API's rule).
 */
export function ImportCatalogModal({
  slug,
  catalogs,
  opened,
  onClose,
  onImported,
}: {
  slug: string;
  catalogs: readonly Catalog[];
  opened: boolean;
  onClose: () => void;
  onImported: (catalog: Catalog) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateCatalog(slug, t('inventory.import.imported'));
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const parsed = text.trim() === '' ? null : parseCatalogImport(text);
  const existing =
    parsed?.ok === true ? (catalogs.find((c) => c.slug === parsed.body.slug) ?? null) : null;
  const close = () => {
    setText('');
    setProblem(null);
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('inventory.import.title')} size="xl">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (parsed === null) {
            setProblem(t('validation.required'));
            return;
          }
          if (!parsed.ok) {
            setProblem(
              parsed.problem === 'json'
                ? t('inventory.import.notJson')
                : t('inventory.import.badShape'),
            );
            return;
          }
          create.mutate(parsed.body as never, {
            onSuccess: (catalog) => {
              close();
              onImported(catalog);
            },
          });
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {t('inventory.import.description')}
          </Text>
          {create.isError && (
            <ErrorAlert error={create.error} title={t('inventory.import.failed')} />
          )}
          <ImportTextField
            accept=".json,application/json"
            uploadLabel={t('inventory.import.upload')}
            label={t('inventory.import.content')}
            value={text}
            error={problem}
            onChange={(content) => {
              setText(content);
              setProblem(null);
              create.reset();
            }}
          />
          {existing && (
            <Alert
              color="yellow"
              variant="light"
              icon={<IconInfoCircle aria-hidden />}
              role="status"
            >
              {t('inventory.import.existing', { name: existing.name, slug: existing.slug })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('inventory.import.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Edits a catalog: its name, usage and schema. The schema can change only while no record is
 * used by a cluster; the server's refusal (409 in_use) is shown.
 */
export function EditCatalogModal({
  slug,
  catalog,
  opened,
  onClose,
}: {
  slug: string;
  catalog: Catalog;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateCatalog(slug, catalog.id);
  const original = useMemo(() => paramsToYaml(catalog.params), [catalog.params]);
  const [name, setName] = useState(catalog.name);
  const [usage, setUsage] = useState<Usage>(catalog.usage);
  const [schema, setSchema] = useState(original);
  const nameError = fieldRule(CreateCatalogBodySchema.shape.name, t)(name);
  const schemaErrors = parseParams(schema).errors;
  const close = () => {
    setName(catalog.name);
    setUsage(catalog.usage);
    setSchema(original);
    update.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('inventory.edit.title', { name: catalog.name })}
      size="xl"
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (nameError || schemaErrors.length > 0) {
            return;
          }
          update.mutate(
            {
              name: name.trim(),
              usage,
              // Only a changed schema is sent: the server refuses schema changes while records are used.
              ...(schema !== original ? { params: schema } : {}),
              current_revision: catalog.current_revision,
            },
            { onSuccess: close },
          );
        }}
      >
        <Stack>
          {update.isError && <ErrorAlert error={update.error} title={t('inventory.edit.failed')} />}
          {catalog.used_records_count > 0 && (
            <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
              {t('inventory.edit.schemaLocked', { count: catalog.used_records_count })}
            </Alert>
          )}
          <TextInput
            label={t('inventory.fields.name')}
            required
            value={name}
            error={nameError}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <TextInput label={t('inventory.fields.slug')} value={catalog.slug} readOnly disabled />
          <UsageField value={usage} onChange={setUsage} />
          <SchemaField value={schema} onChange={setSchema} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('tpl.common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Archives a catalog after confirmation; 409 in_use (records used by clusters) is shown. */
export function ArchiveCatalogModal({
  slug,
  catalog,
  onClose,
  onArchived,
}: {
  slug: string;
  catalog: Catalog | null;
  onClose: () => void;
  onArchived?: () => void;
}) {
  const { t } = useTranslation();
  const archive = useArchiveCatalog(slug);
  const close = () => {
    archive.reset();
    onClose();
  };
  return (
    <Modal
      opened={catalog !== null}
      onClose={close}
      title={t('inventory.archive.title', { name: catalog?.name ?? '' })}
    >
      <Stack>
        <Text size="sm">{t('inventory.archive.description')}</Text>
        {archive.isError && (
          <ErrorAlert error={archive.error} title={t('inventory.archive.failed')} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('actions.cancel')}
          </Button>
          <Button
            color="red"
            loading={archive.isPending}
            onClick={() => {
              if (catalog) {
                archive.mutate(catalog.id, {
                  onSuccess: () => {
                    close();
                    onArchived?.();
                  },
                });
              }
            }}
          >
            {t('inventory.archive.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
