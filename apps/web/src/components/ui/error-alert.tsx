import { Alert, Button, Group, List, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '../../lib/api-client.js';

/**
 * One line per problem of an API error's details, whatever their shape: `{path, message}`
 * (values, documents), `{section, line, column, message}` (templates) or zod's `{issues}`.
 */
export function problemLines(details: unknown): string[] {
  const list = Array.isArray(details)
    ? (details as unknown[])
    : Array.isArray((details as { issues?: unknown } | null | undefined)?.issues)
      ? (details as { issues: unknown[] }).issues
      : [];
  return list.flatMap((item) => {
    const p = (item ?? {}) as Record<string, unknown>;
    if (typeof p.message !== 'string') {
      return [];
    }
    const where: string[] = [];
    if (typeof p.section === 'string') {
      where.push(p.section);
    }
    if (typeof p.path === 'string' && p.path !== '') {
      where.push(p.path);
    }
    if (typeof p.field === 'string' && p.field !== '') {
      where.push(p.field);
    }
    if (typeof p.line === 'number') {
      where.push(`line ${p.line}${typeof p.column === 'number' ? `:${p.column}` : ''}`);
    }
    return [where.length > 0 ? `${where.join(', ')}: ${p.message}` : p.message];
  });
}

export type ErrorAlertProps = {
  error: unknown;
  /** Defaults to "could not load". */
  title?: string;
  /** Shows a retry button (when retrying may help). */
  onRetry?: () => void;
};

/**
 * A failed request: the API's message, every problem its details list (values, template lines,
 * zod issues), its code, and a retry button when retrying may help.
 */
export function ErrorAlert({ error, title, onRetry }: ErrorAlertProps) {
  const { t } = useTranslation();
  const apiError = error instanceof ApiError ? error : null;
  const lines = apiError ? problemLines(apiError.details) : [];
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      icon={<IconAlertTriangle aria-hidden />}
      title={title ?? t('errors.loadFailed')}
    >
      <Text size="sm">{message}</Text>
      {lines.length > 0 && (
        <List size="sm" mt={6} spacing={2} style={{ wordBreak: 'break-word' }}>
          {lines.map((line, i) => (
            <List.Item key={i}>{line}</List.Item>
          ))}
        </List>
      )}
      {apiError && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('errors.code', { code: apiError.code })}
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
