import { type ClusterTemplate, CreateClusterTemplateBodySchema } from '@commander/contracts';
import { Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { ImportTextField } from '../../../components/ui/import-text-field.js';
import { isApiError } from '../../../lib/api-client.js';
import { fieldRule } from '../../../lib/validation.js';
import {
  useArchiveTemplate,
  useCreateTemplate,
  useImportTemplate,
} from '../cluster-templates.api.js';

/** Creates a template (with an empty first version) and hands it to `onCreated`. */
export function CreateTemplateModal({
  slug,
  opened,
  onClose,
  onCreated,
}: {
  slug: string;
  opened: boolean;
  onClose: () => void;
  onCreated: (template: ClusterTemplate) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateTemplate(slug);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', comment: '' },
    validate: { name: fieldRule(CreateClusterTemplateBodySchema.shape.name, t) },
    validateInputOnChange: ['name'],
  });
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('tpl.create.title')}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          create.mutate(
            { name: values.name.trim(), comment: values.comment },
            {
              onSuccess: (template) => {
                close();
                onCreated(template);
              },
              onError: (error) => {
                if (isApiError(error, 'name_taken')) {
                  form.setFieldError('name', t('tpl.create.nameTaken'));
                }
              },
            },
          );
        })}
      >
        <Stack>
          {create.isError && !isApiError(create.error, 'name_taken') && (
            <ErrorAlert error={create.error} title={t('tpl.create.failed')} />
          )}
          <TextInput
            label={t('tpl.fields.name')}
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('name')}
          />
          <Textarea
            label={t('tpl.fields.comment')}
            autosize
            minRows={2}
            {...form.getInputProps('comment')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('tpl.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Imports a template from an export (YAML or JSON), pasted or read from a file. */
export function ImportTemplateModal({
  slug,
  opened,
  onClose,
  onImported,
}: {
  slug: string;
  opened: boolean;
  onClose: () => void;
  onImported: (template: ClusterTemplate) => void;
}) {
  const { t } = useTranslation();
  const importTemplate = useImportTemplate(slug);
  const [content, setContent] = useState('');
  const [name, setName] = useState('');
  const [contentError, setContentError] = useState<string | null>(null);
  const close = () => {
    setContent('');
    setName('');
    setContentError(null);
    importTemplate.reset();
    onClose();
  };
  const nameTaken = isApiError(importTemplate.error, 'name_taken');
  return (
    <Modal opened={opened} onClose={close} title={t('tpl.import.title')} size="xl">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (content.trim() === '') {
            setContentError(t('validation.required'));
            return;
          }
          importTemplate.mutate(
            { content, ...(name.trim() ? { name: name.trim() } : {}) },
            {
              onSuccess: (template) => {
                close();
                onImported(template);
              },
            },
          );
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {t('tpl.import.description')}
          </Text>
          {importTemplate.isError && (
            <ErrorAlert error={importTemplate.error} title={t('tpl.import.failed')} />
          )}
          <ImportTextField
            accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml,text/plain"
            uploadLabel={t('tpl.import.upload')}
            label={t('tpl.import.content')}
            value={content}
            error={contentError}
            onChange={(text) => {
              setContent(text);
              setContentError(null);
            }}
          />
          <TextInput
            label={t('tpl.import.name')}
            description={t('tpl.import.nameHelp')}
            autoComplete="off"
            value={name}
            error={nameTaken ? t('tpl.create.nameTaken') : undefined}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={importTemplate.isPending}>
              {t('tpl.import.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Archives a template after confirmation; a template in use (409 in_use) is refused. */
export function ArchiveTemplateModal({
  slug,
  template,
  onClose,
}: {
  slug: string;
  template: ClusterTemplate | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const archive = useArchiveTemplate(slug);
  const close = () => {
    archive.reset();
    onClose();
  };
  return (
    <Modal
      opened={template !== null}
      onClose={close}
      title={t('tpl.archive.title', { name: template?.name ?? '' })}
    >
      <Stack>
        <Text size="sm">{t('tpl.archive.description')}</Text>
        {archive.isError && <ErrorAlert error={archive.error} title={t('tpl.archive.failed')} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('actions.cancel')}
          </Button>
          <Button
            color="red"
            loading={archive.isPending}
            onClick={() => {
              if (template) {
                archive.mutate(template.id, { onSuccess: close });
              }
            }}
          >
            {t('tpl.archive.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
