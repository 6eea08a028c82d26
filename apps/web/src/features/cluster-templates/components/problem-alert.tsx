import { Alert, List, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '../../../lib/api-client.js';

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

/** A failed request with its code and every problem the API listed. */
export function ProblemAlert({ error, title }: { error: unknown; title: string }) {
  const { t } = useTranslation();
  const lines = error instanceof ApiError ? problemLines(error.details) : [];
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      icon={<IconAlertTriangle aria-hidden />}
      title={title}
    >
      <Text size="sm">{message}</Text>
      {lines.length > 0 && (
        <List size="sm" mt={6} spacing={2} style={{ wordBreak: 'break-word' }}>
          {lines.map((line, i) => (
            <List.Item key={i}>{line}</List.Item>
          ))}
        </List>
      )}
      {error instanceof ApiError && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('errors.code', { code: error.code })}
        </Text>
      )}
    </Alert>
  );
}
