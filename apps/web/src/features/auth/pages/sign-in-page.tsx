import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { authQueries } from '../auth.api.js';
import { SignInForm } from '../components/sign-in-form.js';
import { SsoButtons, SsoErrorAlert } from '../components/sso-sign-in.js';

export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const providers = useQuery(authQueries.providers());
  const next = params.get('next');
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={400}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Title order={1} size="h2">
              {t('signIn.title')}
            </Title>
            <Text c="dimmed" size="sm">
              {t('signIn.subtitle')}
            </Text>
          </Stack>
          <SsoErrorAlert code={params.get('sso_error')} />
          {providers.data && <SsoButtons providers={providers.data} next={next} />}
          {providers.data?.local_login !== 'off' && (
            <SignInForm next={next} reason={params.get('reason')} />
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
