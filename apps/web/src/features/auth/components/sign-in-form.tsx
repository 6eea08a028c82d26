import { type LoginBody, LoginBodySchema } from '@commander/contracts';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { isApiError } from '../../../lib/api-client.js';
import { fieldRule } from '../../../lib/validation.js';
import { useLogin } from '../auth.api.js';
import { safeNextPath } from '../sign-in-path.js';

function signInErrorMessage(error: Error, t: TFunction): string {
  if (isApiError(error, 'unauthorized')) {
    return t('signIn.errors.wrongCredentials');
  }
  if (isApiError(error, 'local_login_disabled')) {
    return t('signIn.errors.localDisabled');
  }
  if (isApiError(error, 'rate_limited') || (isApiError(error) && error.status === 429)) {
    return t('signIn.errors.rateLimited');
  }
  if (isApiError(error, 'network_error')) {
    return t('errors.network');
  }
  return error.message;
}

/** Signs in and goes back to the page the user wanted (`next`). */
export function SignInForm({ next, reason }: { next: string | null; reason: string | null }) {
  const navigate = useNavigate();
  const login = useLogin();
  return (
    <SignInFormView
      reason={reason}
      error={login.error}
      isSubmitting={login.isPending}
      onSubmit={(values) =>
        login.mutate(values, {
          onSuccess: () => void navigate(safeNextPath(next), { replace: true }),
        })
      }
    />
  );
}

export type SignInFormViewProps = {
  /** Why the user is here: `session_expired`, `signed_out` or null. */
  reason: string | null;
  error: Error | null;
  isSubmitting: boolean;
  onSubmit: (values: LoginBody) => void;
};

export function SignInFormView({ reason, error, isSubmitting, onSubmit }: SignInFormViewProps) {
  const { t } = useTranslation();
  const form = useForm<LoginBody>({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: {
      email: fieldRule(LoginBodySchema.shape.email, t),
      password: fieldRule(LoginBodySchema.shape.password, t),
    },
  });
  return (
    <form
      onSubmit={form.onSubmit((values) => onSubmit({ ...values, email: values.email.trim() }))}
      noValidate
    >
      <Stack gap="md">
        {reason !== null && error === null && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />} role="status">
            {reason === 'session_expired'
              ? t('signIn.reason.sessionExpired')
              : t('signIn.reason.signedOut')}
          </Alert>
        )}
        {error !== null && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
            {signInErrorMessage(error, t)}
          </Alert>
        )}
        <TextInput
          label={t('signIn.email')}
          type="email"
          autoComplete="username"
          required
          autoFocus
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label={t('signIn.password')}
          autoComplete="current-password"
          required
          key={form.key('password')}
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={isSubmitting} fullWidth>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}
