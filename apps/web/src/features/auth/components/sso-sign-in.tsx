import type { AuthProviders } from '@commander/contracts';
import { Alert, Button, Divider, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconLogin2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { safeNextPath } from '../sign-in-path.js';

const SSO_ERRORS = [
  'invalid_state',
  'state_expired',
  'wrong_browser',
  'token_rejected',
  'provider_error',
  'provider_unavailable',
  'account_disabled',
  'email_taken',
] as const;

/** The failure a refused OpenID callback reported (`/sign-in?sso_error=`), translated. */
export function SsoErrorAlert({ code }: { code: string | null }) {
  const { t } = useTranslation();
  if (code === null) {
    return null;
  }
  const known = (SSO_ERRORS as readonly string[]).includes(code)
    ? (code as (typeof SSO_ERRORS)[number])
    : 'unknown';
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
      {t(`signIn.ssoErrors.${known}`)}
    </Alert>
  );
}

/** "Sign in with <provider>" buttons: full-page navigations to the API's login redirect. */
export function SsoButtons({ providers, next }: { providers: AuthProviders; next: string | null }) {
  const { t } = useTranslation();
  if (providers.providers.length === 0) {
    return null;
  }
  const returnTo = safeNextPath(next);
  return (
    <Stack gap="sm">
      {providers.providers.map((p) => (
        <Button
          key={p.id}
          component="a"
          href={`${p.login_url}&return_to=${encodeURIComponent(returnTo)}`}
          variant="default"
          fullWidth
          leftSection={<IconLogin2 size={18} aria-hidden />}
        >
          {t('signIn.sso.with', { name: p.name })}
        </Button>
      ))}
      {providers.local_login === 'off' ? (
        <Text size="sm" c="dimmed">
          {t('signIn.sso.localOff')}
        </Text>
      ) : (
        <Divider
          label={
            providers.local_login === 'admin-only'
              ? t('signIn.sso.localAdminOnly')
              : t('signIn.sso.or')
          }
          labelPosition="center"
        />
      )}
    </Stack>
  );
}
