import { CreateUserBodySchema, PasswordSchema, type User } from '@commander/contracts';
import { Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';

import { isApiError } from '../../../lib/api-client.js';
import { fieldRule, validationIssuesByField } from '../../../lib/validation.js';
import { type CreateUserInput, useCreateUser, useUpdateUser } from '../identity.api.js';

export type CreateUserFormProps = {
  isPending: boolean;
  onSubmit: (
    input: CreateUserInput,
    onError: (field: keyof CreateUserInput, message: string) => void,
  ) => void;
  onCancel: () => void;
};

/** Email, name and an initial password (12+ characters), validated as the user types. */
export function CreateUserForm({ isPending, onSubmit, onCancel }: CreateUserFormProps) {
  const { t } = useTranslation();
  const form = useForm<CreateUserInput>({
    mode: 'controlled',
    initialValues: { email: '', name: '', password: '' },
    validateInputOnChange: true,
    validate: {
      email: (v) =>
        CreateUserBodySchema.shape.email.safeParse(v.trim()).success
          ? null
          : t('identity.users.emailInvalid'),
      name: fieldRule(CreateUserBodySchema.shape.name, t),
      password: (v) =>
        PasswordSchema.safeParse(v).success ? null : t('password.tooShort', { min: 12 }),
    },
  });
  return (
    <form
      noValidate
      aria-label={t('identity.users.createTitle')}
      onSubmit={form.onSubmit((values) =>
        onSubmit(
          { ...values, email: values.email.trim(), name: values.name.trim() },
          (field, message) => form.setFieldError(field, message),
        ),
      )}
    >
      <Stack>
        <TextInput
          label={t('identity.users.email')}
          type="email"
          required
          data-autofocus
          autoComplete="off"
          {...form.getInputProps('email')}
        />
        <TextInput label={t('identity.users.name')} required {...form.getInputProps('name')} />
        <PasswordInput
          label={t('identity.users.password')}
          description={t('password.newHelp')}
          required
          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={isPending}>
            {t('identity.users.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Create user" dialog. */
export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('identity.users.createTitle')}>
      <CreateUserForm
        isPending={create.isPending}
        onCancel={close}
        onSubmit={(input, onError) =>
          create.mutate(input, {
            onSuccess: close,
            onError: (error) => {
              if (isApiError(error, 'validation_failed')) {
                const fields = validationIssuesByField(error.details);
                for (const field of ['email', 'name', 'password'] as const) {
                  if (fields[field]) {
                    onError(field, fields[field]);
                  }
                }
                if (Object.keys(fields).length === 0) {
                  onError('email', error.message);
                }
              } else {
                // conflict: the email is taken.
                onError('email', error.message);
              }
            },
          })
        }
      />
    </Modal>
  );
}

/** "Set password" for another user (an administrator's reset). */
export function SetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser(t('identity.users.passwordSet'));
  const form = useForm<{ password: string }>({
    mode: 'controlled',
    initialValues: { password: '' },
    validateInputOnChange: true,
    validate: {
      password: (v) =>
        PasswordSchema.safeParse(v).success ? null : t('password.tooShort', { min: 12 }),
    },
  });
  const close = () => {
    form.reset();
    onClose();
  };
  return (
    <Modal
      opened={user !== null}
      onClose={close}
      title={t('identity.users.setPasswordTitle', { user: user?.email ?? '' })}
    >
      <form
        noValidate
        onSubmit={form.onSubmit(({ password }) => {
          if (user) {
            update.mutate({ user, body: { password } }, { onSuccess: close });
          }
        })}
      >
        <Stack>
          <PasswordInput
            label={t('identity.users.newPassword')}
            description={t('password.newHelp')}
            required
            data-autofocus
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('identity.users.setPassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
