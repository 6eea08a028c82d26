import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a token is for; decides its visible prefix. */
export type TokenKind = 'api' | 'session' | 'agent' | 'kubeconfig';

/**
 * Visible prefixes, so a leaked token is recognisable (and secret scanners can match it):
 * `cmdr_` API tokens, `cmdrs_` session tokens, `cmdra_` agent keys, `cmdrk_` kubeconfig
 * credentials.
 */
export const TOKEN_PREFIXES: Readonly<Record<TokenKind, string>> = {
  api: 'cmdr_',
  session: 'cmdrs_',
  agent: 'cmdra_',
  kubeconfig: 'cmdrk_',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TOKEN_BYTES = 32;
// ceil(256 / log2(62)) = 43 digits hold any 32-byte number.
const TOKEN_DIGITS = 43;
const VISIBLE_CHARS = 6;

function toBase62(bytes: Buffer, digits: number): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(digits, '0');
}

/**
 * Generates a new secret token: 32 random bytes (256 bits) in base62, fixed length 43, after the
 * kind's prefix, e.g. `cmdr_3kTq…`. Store only {@link hashToken} of it; show it once.
 */
export function generateToken(kind: TokenKind): string {
  const prefix = TOKEN_PREFIXES[kind];
  if (prefix === undefined) {
    throw new TypeError(`unknown token kind: ${String(kind)}`);
  }
  return prefix + toBase62(randomBytes(TOKEN_BYTES), TOKEN_DIGITS);
}

/**
 * SHA-256 of the token's UTF-8 bytes, as 64 lowercase hex digits: what the database stores and
 * looks tokens up by. (A fast hash is right here: the token has 256 bits of entropy, so there is
 * nothing to brute-force; passwords use {@link hashPassword} instead.)
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The part of a token safe to display and log: its prefix plus the next 6 characters
 * (`cmdr_3kTq9Z`), so an operator can tell tokens apart. A token without a known prefix shows
 * its first 6 characters.
 */
export function tokenPrefix(token: string): string {
  const prefix = Object.values(TOKEN_PREFIXES)
    .filter((candidate) => token.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  return token.slice(0, (prefix?.length ?? 0) + VISIBLE_CHARS);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Compares two hex strings (e.g. token hashes) in time independent of where they differ.
 * Case-insensitive. Returns false for different lengths or invalid hex (the length itself is not
 * secret for fixed-size hashes).
 */
export function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length || !HEX.test(a) || !HEX.test(b)) {
    return false;
  }
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
