/**
 * The dhctl state cache (`DhctlState = map[string][]byte` upstream). On the wire it is the
 * JSON of that map, i.e. a JSON object whose values are base64 strings; in phase ends it is a
 * protobuf `map<string, bytes>`. Commander stores it (encrypted) and sends it back on retry,
 * converge, destroy and abort.
 *
 * @module
 */

/** A decoded state cache: key → raw bytes. */
export type DhctlStateMap = Record<string, Buffer>;

/** Thrown when a state string is not a JSON object of base64 strings. */
export class DhctlStateError extends Error {
  override readonly name = 'DhctlStateError';
}

/**
 * Decodes the wire form of a state. `""` (no state) decodes to `{}`.
 *
 * @throws DhctlStateError when the JSON is invalid or a value is not a string.
 */
export function decodeDhctlState(state: string): DhctlStateMap {
  if (state.trim() === '') {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(state);
  } catch (error) {
    throw new DhctlStateError(`state is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new DhctlStateError('state must be a JSON object');
  }
  const result: DhctlStateMap = {};
  for (const [key, encoded] of Object.entries(value as Record<string, unknown>)) {
    if (typeof encoded !== 'string') {
      throw new DhctlStateError(`state key ${JSON.stringify(key)} is not a base64 string`);
    }
    result[key] = Buffer.from(encoded, 'base64');
  }
  return result;
}

/**
 * Encodes a state map to its wire form (JSON object of base64 values, keys sorted so equal
 * states give equal strings). Strings are taken as UTF-8.
 */
export function encodeDhctlState(state: Readonly<Record<string, Uint8Array | string>>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(state).sort()) {
    const value = state[key];
    if (value === undefined) {
      continue;
    }
    sorted[key] = (
      typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)
    ).toString('base64');
  }
  return JSON.stringify(sorted);
}

/** The cluster UUID recorded in a state (`uuid` key), or `null` when absent or not decodable. */
export function dhctlStateUuid(state: string): string | null {
  try {
    const uuid = decodeDhctlState(state).uuid?.toString('utf8').trim();
    return uuid ? uuid : null;
  } catch {
    return null;
  }
}
