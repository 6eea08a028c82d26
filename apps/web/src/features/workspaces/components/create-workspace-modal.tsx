import { type CreateWorkspaceBody, CreateWorkspaceBodySchema } from '@commander/contracts';
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';

import { isApiError } from '../../../lib/api-client.js';
import { fieldRule, validationIssuesByField } from '../../../lib/validation.js';
import { useCreateWorkspace } from '../workspaces.api.js';

/** A slug proposed from a name: "Team Alpha" → "team-alpha". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

export function CreateWorkspaceModal({
  opened,
  onClose,
}: {
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateWorkspace();
  const form = useForm<CreateWorkspaceBody & { slugTouched: boolean }>({
    mode: 'controlled',
    initialValues: { name: '', slug: '', slugTouched: false },
    validate: {
      name: fieldRule(CreateWorkspaceBodySchema.shape.name, t),
      slug: (value) =>
        CreateWorkspaceBodySchema.shape.slug.safeParse(value).success
          ? null
          : t('workspaces.slugRule'),
    },
    validateInputOnBlur: true,
  });
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('workspaces.createTitle')}>
      <form
        noValidate
        onSubmit={form.onSubmit(({ name, slug }) =>
          create.mutate(
            { name, slug },
            {
              onSuccess: close,
              onError: (error) => {
                if (isApiError(error, 'slug_taken')) {
                  form.setFieldError('slug', t('workspaces.slugTaken'));
                } else if (isApiError(error, 'validation_failed')) {
                  form.setErrors(validationIssuesByField(error.details));
                } else {
                  form.setFieldError('name', error.message);
                }
              },
            },
          ),
        )}
      >
        <Stack>
          <TextInput
            label={t('workspaces.name')}
            required
            data-autofocus
            {...form.getInputProps('name')}
            onChange={(event) => {
              const name = event.currentTarget.value;
              form.setFieldValue('name', name);
              if (!form.getValues().slugTouched) {
                form.setFieldValue('slug', slugify(name));
              }
            }}
          />
          <TextInput
            label={t('workspaces.slug')}
            description={t('workspaces.slugHelp')}
            required
            {...form.getInputProps('slug')}
            onChange={(event) => {
              form.setFieldValue('slug', event.currentTarget.value);
              form.setFieldValue('slugTouched', true);
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('workspaces.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
