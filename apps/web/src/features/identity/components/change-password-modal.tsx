import { PasswordSchema } from '@commander/contracts';
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';

import { isApiError } from '../../../lib/api-client.js';
import { useChangePassword } from '../identity.api.js';

type FormValues = { current: string; next: string; repeat: string };

/** Current password, a new one (12+ characters) twice. Other sessions end; this one stays. */
export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const change = useChangePassword();
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: { current: '', next: '', repeat: '' },
    validateInputOnChange: true,
    validate: {
      current: (v) => (v === '' ? t('validation.required') : null),
      next: (v) =>
        PasswordSchema.safeParse(v).success ? null : t('password.tooShort', { min: 12 }),
      repeat: (v, values) => (v !== values.next ? t('password.mismatch') : null),
    },
  });
  const close = () => {
    form.reset();
    change.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('password.title')}>
      <form
        noValidate
        aria-label={t('password.title')}
        onSubmit={form.onSubmit((values) =>
          change.mutate(
            { current_password: values.current, new_password: values.next },
            {
              onSuccess: close,
              onError: (error) => {
                if (isApiError(error, 'forbidden')) {
                  form.setFieldError('current', t('password.wrongCurrent'));
                } else {
                  form.setFieldError('next', error.message);
                }
              },
            },
          ),
        )}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {t('password.description')}
          </Text>
          <PasswordInput
            label={t('password.current')}
            autoComplete="current-password"
            required
            data-autofocus
            {...form.getInputProps('current')}
          />
          <PasswordInput
            label={t('password.new')}
            description={t('password.newHelp')}
            autoComplete="new-password"
            required
            {...form.getInputProps('next')}
          />
          <PasswordInput
            label={t('password.repeat')}
            autoComplete="new-password"
            required
            {...form.getInputProps('repeat')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={change.isPending}>
              {t('password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
