import {
  type ClusterTemplateVersion,
  type JsonObject,
  JsonObjectSchema,
} from '@commander/contracts';
import { parse, stringify, YAMLParseError } from 'yaml';

export type ParsedValues =
  { ok: true; values: JsonObject } | { ok: false; error: 'syntax' | 'not_object'; detail: string };

/** Parses the values text (YAML, or JSON, which is YAML too). Empty text is `{}`. */
export function parseValuesText(text: string): ParsedValues {
  let parsed: unknown;
  try {
    parsed = parse(text, { prettyErrors: true });
  } catch (error) {
    const detail =
      error instanceof YAMLParseError
        ? (error.message.split('\n')[0] ?? error.message)
        : String(error);
    return { ok: false, error: 'syntax', detail };
  }
  if (parsed === null || parsed === undefined) {
    return { ok: true, values: {} };
  }
  const result = JsonObjectSchema.safeParse(parsed);
  if (Array.isArray(parsed) || typeof parsed !== 'object' || !result.success) {
    return { ok: false, error: 'not_object', detail: '' };
  }
  return { ok: true, values: result.data };
}

type ParamField = {
  key?: unknown;
  title?: unknown;
  type?: unknown;
  default?: unknown;
  optional?: unknown;
  header?: unknown;
  hidden?: unknown;
};

/**
 * A starting text for a template version's values: fields with a default are filled in, the
 * others are listed as comments with their title, so the user sees what the template expects.
 */
export function valuesSkeleton(version: Pick<ClusterTemplateVersion, 'params'>): string {
  const lines: string[] = [];
  for (const raw of version.params as ParamField[]) {
    if (typeof raw.header === 'string') {
      lines.push(`# --- ${raw.header} ---`);
      continue;
    }
    if (typeof raw.key !== 'string' || raw.hidden === true) {
      continue;
    }
    const title = typeof raw.title === 'string' ? raw.title : raw.key;
    const kind = typeof raw.type === 'string' ? raw.type : 'catalog';
    const required = raw.optional === true ? 'optional' : 'required';
    lines.push(`# ${title} (${kind}, ${required})`);
    if (raw.default !== undefined) {
      lines.push(stringify({ [raw.key]: raw.default }).trimEnd());
    } else {
      lines.push(`# ${raw.key}:`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Values as YAML text for display. Secret values come as null unless revealed: a stored one
 * shows as `storedWord` (e.g. "(stored encrypted)"), not as `null`, which reads as "unset".
 */
export function valuesToYaml(
  values: JsonObject,
  secrets?: { stored: Record<string, { has_value: boolean }>; storedWord: string },
): string {
  if (Object.keys(values).length === 0) {
    return '{}\n';
  }
  if (!secrets) {
    return stringify(values);
  }
  const shown: JsonObject = { ...values };
  for (const [key, secret] of Object.entries(secrets.stored)) {
    if (secret.has_value && (shown[key] === null || shown[key] === undefined)) {
      shown[key] = secrets.storedWord;
    }
  }
  return stringify(shown);
}
