// Secret placeholders: what callers who may not read secrets see in place of a secret value.
// Rendering is done with the placeholders in place of the values (never by masking a render
// afterwards), so no template function (b64enc, upper, quote, sha256sum, toJson, …) can turn a
// secret into a form that escapes masking: the secret is never an input of that render.

import type { SpecialVariables } from './render.js';
import { isEmptyValue } from './util.js';

/** The special variable that holds a secret (the cluster's SSH private key). */
export const SECRET_SPECIAL_VARIABLES = ['dc_sshPrivateKey'] as const;

/** The placeholder rendered instead of the secret value of `key`: `<secret:key>`. */
export function secretPlaceholder(key: string): string {
  return `<secret:${key}>`;
}

/**
 * The values with every set secret replaced by its placeholder (empty ones stay empty, so
 * `{{ if .password }}` takes the same branch as with the real value).
 */
export function withSecretPlaceholders(
  values: Record<string, unknown>,
  secretKeys: Iterable<string>,
): Record<string, unknown> {
  const out = { ...values };
  for (const key of secretKeys) {
    if (key in out && !isEmptyValue(out[key])) {
      out[key] = secretPlaceholder(key);
    }
  }
  return out;
}

/**
 * The special variables with the secret ones replaced by placeholders (the registry credentials
 * only when set, so `{{ if .dc_registryDockerCfg }}` takes the same branch).
 */
export function publicSpecialVariables(specials: SpecialVariables): SpecialVariables {
  const out = { ...specials };
  for (const key of SECRET_SPECIAL_VARIABLES) {
    out[key] = secretPlaceholder(key);
  }
  if (out.dc_registryDockerCfg) {
    out.dc_registryDockerCfg = secretPlaceholder('dc_registryDockerCfg');
  }
  return out;
}
