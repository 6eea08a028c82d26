// labelSelector and fieldSelector, the basic forms the API accepts.
import type { KubeObject } from './store.js';

/** A parsed selector: true when an object matches. */
export type Selector = (object: KubeObject) => boolean;

/** Thrown for a selector that does not parse (the API answers 400). */
export class SelectorError extends Error {}

function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

/** `a=b,c!=d,e,!f,g in (x,y),h notin (z)`. */
export function parseLabelSelector(text: string | null): Selector {
  if (!text) return () => true;
  const tests = splitTerms(text).map((term): Selector => {
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const [, name = '', op, list = ''] = set;
      const values = list.split(',').map((value) => value.trim());
      return (object) => {
        const value = object.metadata.labels?.[name];
        return op === 'in'
          ? value !== undefined && values.includes(value)
          : value === undefined || !values.includes(value);
      };
    }
    const eq = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (eq) {
      const [, name = '', op, value] = eq;
      return (object) => (object.metadata.labels?.[name] === value) === (op !== '!=');
    }
    const exists = /^(!?)([\w./-]+)$/.exec(term);
    if (exists) {
      const [, not, name = ''] = exists;
      return (object) => (object.metadata.labels?.[name] !== undefined) !== (not === '!');
    }
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(term)}`);
  });
  return (object) => tests.every((test) => test(object));
}

function fieldValue(object: KubeObject, path: string): string {
  let node: unknown = object;
  for (const part of path.split('.')) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[part]
        : undefined;
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return node === undefined || node === null ? '' : JSON.stringify(node);
}

/** `metadata.name=x,status.phase!=Running`: any dotted field path, `=`/`==`/`!=`. */
export function parseFieldSelector(text: string | null): Selector {
  if (!text) return () => true;
  const tests = splitTerms(text).map((term): Selector => {
    const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw new SelectorError(`invalid field selector: ${JSON.stringify(term)}`);
    const [, path = '', op, value] = match;
    return (object) => (fieldValue(object, path) === value) === (op !== '!=');
  });
  return (object) => tests.every((test) => test(object));
}
