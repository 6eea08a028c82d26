// Multi-document YAML handling shared by the operations and the Validation service.
import { createHash } from 'node:crypto';

import { parseAllDocuments, stringify } from 'yaml';

/** A parsed Kubernetes-style document. */
export type KubeDocument = Record<string, unknown>;

/** A YAML payload that does not parse; `index` is the failing document's position. */
export class DocumentParseError extends Error {
  override readonly name = 'DocumentParseError';
  readonly index: number;

  constructor(index: number, message: string) {
    super(message);
    this.index = index;
  }
}

/**
 * Parses a multi-document YAML string into objects, dropping empty documents (dhctl splits
 * on `---` and ignores blank parts).
 *
 * @throws DocumentParseError on invalid YAML or a document that is not a mapping.
 */
export function parseDocuments(text: string): KubeDocument[] {
  if (text.trim() === '') {
    return [];
  }
  const result: KubeDocument[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    const [error] = document.errors;
    if (error) {
      throw new DocumentParseError(
        index,
        `document ${index}: ${error.message.split('\n')[0] ?? ''}`,
      );
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) {
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new DocumentParseError(index, `document ${index}: expected a mapping`);
    }
    result.push(value as KubeDocument);
  });
  return result;
}

/** Serializes documents back to multi-document YAML. */
export function stringifyDocuments(documents: readonly KubeDocument[]): string {
  return documents.map((document) => stringify(document)).join('---\n');
}

/** `kind` of a document, or "". */
export function kindOf(document: KubeDocument): string {
  return typeof document.kind === 'string' ? document.kind : '';
}

/** `metadata.name` of a document, or "". */
export function nameOf(document: KubeDocument): string {
  const metadata = document.metadata;
  if (typeof metadata === 'object' && metadata !== null) {
    const name = (metadata as Record<string, unknown>).name;
    return typeof name === 'string' ? name : '';
  }
  return '';
}

/** Identity of a resource for replace/delete: `kind/name` (apiVersion group ignored). */
export function resourceKey(document: KubeDocument): string {
  return `${kindOf(document)}/${nameOf(document)}`;
}

/** Documents of one kind. */
export function documentsOfKind(documents: readonly KubeDocument[], kind: string): KubeDocument[] {
  return documents.filter((document) => kindOf(document) === kind);
}

/** Reads a dotted path (`masterNodeGroup.replicas`) from an object. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Sets a dotted path, creating intermediate objects. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop();
  if (last === undefined) {
    return;
  }
  let current: Record<string, unknown> = target;
  for (const key of keys) {
    const next = current[key];
    if (typeof next !== 'object' || next === null) {
      current[key] = {};
    }
    current = current[key] as Record<string, unknown>;
  }
  current[last] = value;
}

/** JSON with object keys sorted recursively: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (typeof value === 'object' && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) {
        sorted[key] = sortKeys(item);
      }
    }
    return sorted;
  }
  return value;
}

/** Deep equality through canonical JSON. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** A deep copy of JSON-compatible data. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** A value as text: strings as is, numbers and booleans printed, anything else as JSON. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value.toString();
  }
  return value === undefined ? '' : JSON.stringify(value);
}

/** Lower-case sha256 hex of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Substitutes `{{ .path }}` and `{{ .path | quote }}` from `values` — just enough of Go
 * templates for attach/detach resource templates in tests. Unknown paths render as "".
 */
export function renderSimpleTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(
    /\{\{-?\s*\.([A-Za-z0-9_.]+)\s*(\|\s*quote\s*)?-?\}\}/g,
    (_match, path: string, quote: string | undefined) => {
      const value = getPath(values, path);
      const text = value === undefined || value === null ? '' : scalarText(value);
      return quote ? JSON.stringify(text) : text;
    },
  );
}
