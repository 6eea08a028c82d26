import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { SignInForm } from '../components/sign-in-form.js';

export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
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
          <SignInForm next={params.get('next')} reason={params.get('reason')} />
        </Stack>
      </Paper>
    </Center>
  );
}
