import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '../../lib/api-client.js';

export type ErrorAlertProps = {
  error: Error;
  title?: string;
  onRetry?: () => void;
};

/** A failed request: the API's message and code, and a retry button when retrying may help. */
export function ErrorAlert({ error, title, onRetry }: ErrorAlertProps) {
  const { t } = useTranslation();
  const code = error instanceof ApiError ? error.code : null;
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      icon={<IconAlertTriangle aria-hidden />}
      title={title ?? t('errors.loadFailed')}
    >
      <Text size="sm">{error.message}</Text>
      {code !== null && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('errors.code', { code })}
        </Text>
      )}
      {onRetry && (
        <Group mt="sm">
          <Button size="xs" variant="default" onClick={onRetry}>
            {t('actions.retry')}
          </Button>
        </Group>
      )}
    </Alert>
  );
}
