// Patch semantics: JSON merge patch (RFC 7386), an approximation of strategic merge patch (lists
// of objects with a merge key are merged by key; `$patch`, `$setElementOrder`, `$retainKeys` and
// `$deleteFromPrimitiveList` directives honoured or dropped), and JSON patch (RFC 6902).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete out[name];
    else out[name] = mergePatch(out[name], value);
  }
  return out;
}

/** Merge keys of the lists Kubernetes merges by key (the common ones). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  tolerations: 'key',
  conditions: 'type',
  ownerReferences: 'uid',
};

/** Strategic merge patch, approximated as described in the file comment. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (name === '$retainKeys' || name === '$patch' || name.startsWith('$setElementOrder/'))
      continue;
    if (name.startsWith('$deleteFromPrimitiveList/')) {
      const field = name.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        const removed: unknown[] = value;
        out[field] = (current as unknown[]).filter((item) => !removed.includes(item));
      }
      continue;
    }
    if (value === null) {
      delete out[name];
      continue;
    }
    const current = out[name];
    if (Array.isArray(value)) {
      out[name] = mergeList(name, current, value);
      continue;
    }
    const merged = strategicMergePatch(current, value);
    if (merged === undefined) delete out[name];
    else out[name] = merged;
  }
  return out;
}

function mergeList(field: string, current: unknown, patch: Json[]): unknown[] {
  const serviceKey =
    field === 'ports' &&
    patch.some((item) => isObject(item) && 'port' in item && !('containerPort' in item));
  const mergeKey = serviceKey ? 'port' : MERGE_KEYS[field];
  if (
    !mergeKey ||
    !Array.isArray(current) ||
    !patch.every((item) => isObject(item) && mergeKey in item)
  ) {
    return patch
      .filter((item) => !(isObject(item) && item.$patch === 'delete'))
      .map((item) => structuredClone(item));
  }
  const out: unknown[] = current.map((item) => structuredClone(item) as unknown);
  for (const item of patch as Record<string, Json>[]) {
    const index = out.findIndex(
      (existing) => isObject(existing) && existing[mergeKey] === item[mergeKey],
    );
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMergePatch(out[index], item);
    else out.push(strategicMergePatch({}, item));
  }
  return out;
}

/** One RFC 6902 operation. */
export type JsonPatchOperation = { op: string; path: string; value?: unknown; from?: string };

/** Thrown for a JSON patch that cannot be applied (the API answers 422). */
export class PatchError extends Error {}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(document: unknown, parts: string[]): { parent: unknown; last: string } {
  let node = document;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else throw new PatchError(`path not found: /${parts.join('/')}`);
    if (node === undefined) throw new PatchError(`path not found: /${parts.join('/')}`);
  }
  return { parent: node, last: parts[parts.length - 1] ?? '' };
}

function getAt(document: unknown, parts: string[]): unknown {
  if (parts.length === 0) return document;
  const { parent, last } = parentOf(document, parts);
  const value: unknown = Array.isArray(parent)
    ? (parent as unknown[])[Number(last)]
    : isObject(parent)
      ? parent[last]
      : undefined;
  if (value === undefined) throw new PatchError(`path not found: /${parts.join('/')}`);
  return value;
}

function removeAt(document: unknown, parts: string[]): unknown {
  const { parent, last } = parentOf(document, parts);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length)
      throw new PatchError(`no element /${parts.join('/')}`);
    return parent.splice(index, 1)[0];
  }
  if (!isObject(parent) || !(last in parent))
    throw new PatchError(`path not found: /${parts.join('/')}`);
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(document: unknown, parts: string[], value: unknown, replace: boolean): unknown {
  if (parts.length === 0) return structuredClone(value);
  const { parent, last } = parentOf(document, parts);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new PatchError(`bad index /${parts.join('/')}`);
    if (replace) parent[index] = structuredClone(value);
    else parent.splice(index, 0, structuredClone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw new PatchError(`path not found: /${parts.join('/')}`);
    parent[last] = structuredClone(value) as Json;
  } else {
    throw new PatchError(`path not found: /${parts.join('/')}`);
  }
  return document;
}

/** Applies RFC 6902 operations to a copy of the document. */
export function jsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch is an array of operations');
  let out = structuredClone(document);
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new PatchError('each operation needs "op" and "path"');
    }
    const parts = pointer(raw.path);
    switch (raw.op) {
      case 'add':
        out = addAt(out, parts, raw.value, false);
        break;
      case 'replace':
        out = addAt(out, parts, raw.value, true);
        break;
      case 'remove':
        removeAt(out, parts);
        break;
      case 'move': {
        const value = removeAt(out, pointer(String(raw.from)));
        out = addAt(out, parts, value, false);
        break;
      }
      case 'copy':
        out = addAt(out, parts, getAt(out, pointer(String(raw.from))), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(out, parts)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`test operation failed at ${raw.path}`);
        }
        break;
      default:
        throw new PatchError(`unknown operation ${JSON.stringify(raw.op)}`);
    }
  }
  return out;
}
