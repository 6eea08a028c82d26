/** Marker that replaces secret values in audit records and logs. */
export const REDACTED = '[FILTERED]';

const SECRET_KEY =
  /(password|passphrase|secret|token|private_?key|privateSSHKey|dockercfg|docker_?config|api_?key|credentials?)$/i;

/**
 * Deep copy of `value` with the values of secret-looking keys replaced by REDACTED. Callers also
 * pass explicit secret paths (password fields of a template) through `extraKeys`.
 */
export function redactSecrets<T>(value: T, extraKeys: ReadonlySet<string> = new Set()): T {
  return walk(value, extraKeys) as T;
}

function walk(value: unknown, extraKeys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => walk(v, extraKeys));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        (SECRET_KEY.test(k) || extraKeys.has(k)) && v !== null && v !== undefined
          ? REDACTED
          : walk(v, extraKeys);
    }
    return out;
  }
  return value;
}
