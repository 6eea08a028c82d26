import {
  CreateAuthTokenBodySchema,
  type CreatedAuthToken,
  type TokenScope,
} from '@commander/contracts';
import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Radio,
  Select,
  Stack,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { isApiError } from '../../../lib/api-client.js';
import { fieldRule, validationIssuesByField } from '../../../lib/validation.js';
import { useCreateAuthToken } from '../auth-tokens.api.js';

const EXPIRY_DAYS = ['never', '7', '30', '90', '365'] as const;
type Expiry = (typeof EXPIRY_DAYS)[number];

/** The expiry timestamp of a preset, counted from `now`. */
export function expiresAt(expiry: Expiry, now: number = Date.now()): string | null {
  return expiry === 'never'
    ? null
    : new Date(now + Number(expiry) * 24 * 3600 * 1000).toISOString();
}

type FormValues = { name: string; scope: TokenScope; expiry: Expiry };

/** Issues a token, then shows its value once with a copy button. */
export function CreateTokenModal({
  slug,
  opened,
  onClose,
}: {
  /** A workspace slug, or null for a global token. */
  slug: string | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateAuthToken(slug);
  const [created, setCreated] = useState<CreatedAuthToken | null>(null);
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: { name: '', scope: 'read', expiry: '90' },
    validate: { name: fieldRule(CreateAuthTokenBodySchema.shape.name, t) },
  });
  const close = () => {
    form.reset();
    create.reset();
    setCreated(null);
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? t('tokens.createdTitle') : t('tokens.createTitle')}
      size="lg"
    >
      {created ? (
        <Stack>
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            role="status"
          >
            {t('tokens.shownOnce')}
          </Alert>
          <Code
            block
            aria-label={t('tokens.value')}
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          >
            {created.token}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button
                  variant={copied ? 'light' : 'filled'}
                  color={copied ? 'teal' : undefined}
                  leftSection={
                    copied ? (
                      <IconCheck size={16} aria-hidden />
                    ) : (
                      <IconCopy size={16} aria-hidden />
                    )
                  }
                  onClick={copy}
                >
                  {copied ? t('tokens.copied') : t('tokens.copy')}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={close}>
              {t('actions.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit(({ name, scope, expiry }) =>
            create.mutate(
              { name: name.trim(), scope, expires_at: expiresAt(expiry) },
              {
                onSuccess: setCreated,
                onError: (error) => {
                  if (isApiError(error, 'validation_failed')) {
                    const fields = validationIssuesByField(error.details);
                    form.setErrors({
                      name:
                        fields.name ??
                        (Object.keys(fields).length === 0 ? error.message : undefined),
                      expiry: fields.expires_at,
                    });
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
              label={t('tokens.name')}
              description={t('tokens.nameHelp')}
              required
              data-autofocus
              {...form.getInputProps('name')}
            />
            <Radio.Group label={t('tokens.scope')} required {...form.getInputProps('scope')}>
              <Stack gap="xs" mt={6}>
                <Radio
                  value="read"
                  label={t('tokens.scopeRead')}
                  description={t('tokens.scopeReadHelp')}
                />
                <Radio
                  value="write"
                  label={t('tokens.scopeWrite')}
                  description={t('tokens.scopeWriteHelp')}
                />
              </Stack>
            </Radio.Group>
            <Select
              label={t('tokens.expiry')}
              data={EXPIRY_DAYS.map((value) => ({
                value,
                label: t(`tokens.expiryOption.${value}`),
              }))}
              allowDeselect={false}
              {...form.getInputProps('expiry')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('actions.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('tokens.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
