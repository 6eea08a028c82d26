import type { TFunction } from 'i18next';
import type { z } from 'zod';

/** A translated message for the first problem zod found (the server uses the same schemas). */
export function issueMessage(issue: z.core.$ZodIssue, t: TFunction): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) {
        return t('validation.required');
      }
      return t('validation.tooShort', { min: Number(issue.minimum) });
    case 'too_big':
      return t('validation.tooLong', { max: Number(issue.maximum) });
    case 'invalid_format':
      return issue.format === 'regex' ? t('validation.pattern') : t('validation.invalidFormat');
    case 'invalid_type':
      return t('validation.required');
    default:
      return issue.message;
  }
}

/** A @mantine/form rule that validates one field with a contract schema. */
export function fieldRule(schema: z.ZodType, t: TFunction): (value: unknown) => string | null {
  return (value) => {
    const result = schema.safeParse(value);
    const first = result.success ? undefined : result.error.issues[0];
    return first ? issueMessage(first, t) : null;
  };
}

/** An API `validation_failed` issue list as `{field: message}` (paths like `body.name` → `name`). */
export function validationIssuesByField(details: unknown): Record<string, string> {
  const issues = (details as { issues?: unknown } | null | undefined)?.issues;
  const out: Record<string, string> = {};
  if (!Array.isArray(issues)) {
    return out;
  }
  for (const issue of issues as { path?: unknown; message?: unknown }[]) {
    if (typeof issue.path !== 'string' || typeof issue.message !== 'string') {
      continue;
    }
    const field = issue.path.replace(/^body\.?/, '').split('.')[0] ?? '';
    out[field] ??= issue.message;
  }
  return out;
}

/**
 * Per-value problems of a 422 (`invalid_values`, `not_unique`, `immutable_field`): the details
 * are a list of `{path, message}`, e.g. `replicas: must be at most 5`.
 */
export function valueIssueLines(details: unknown): string[] {
  const list = Array.isArray(details) ? (details as unknown[]) : [];
  return list.flatMap((item) => {
    const { path, message } = (item ?? {}) as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') {
      return [];
    }
    return [typeof path === 'string' && path !== '' ? `${path}: ${message}` : message];
  });
}
