import { MalformedMessageError } from './errors.js';

/** AES-256-GCM IV length in bytes (OpenSSL `iv_len`). */
export const IV_LENGTH = 12;
/** GCM auth tag length in bytes; Rails rejects any other length on decrypt. */
export const AUTH_TAG_LENGTH = 16;

/** The headers Rails writes, in the order it writes them. */
export type MessageHeaders = {
  iv: Buffer;
  at: Buffer;
  /** Ruby encoding name of the plaintext when it is not UTF-8 (`e`), else null. */
  e: string | null;
  /** Key reference (`i`): the first 4 hex digits of SHA-1(derived key), else null. */
  i: string | null;
  /** Payload was zlib-compressed before encryption (`c`). */
  c: boolean;
};

/** A parsed encrypted message: the ciphertext and its headers. */
export type Message = { payload: Buffer; headers: MessageHeaders };

const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Ruby's `Base64.strict_decode64`: padding required, no whitespace, and no stray bits in the last
 * group (Ruby raises on `"QR=="`), so a value has exactly one accepted spelling.
 */
export function strictBase64Decode(text: string): Buffer | null {
  if (!BASE64_SHAPE.test(text)) {
    return null;
  }
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/**
 * Serializes like Rails' `MessageSerializer#dump`: `{"p":…,"h":{…}}` with every string
 * Base64-encoded and headers in Rails' insertion order `iv, at, e, i, c` (the order only matters
 * for byte-equal deterministic ciphertexts, but then it matters).
 */
export function serializeMessage(message: Message): string {
  const h: Record<string, string | boolean> = {
    iv: message.headers.iv.toString('base64'),
    at: message.headers.at.toString('base64'),
  };
  if (message.headers.e !== null) {
    h.e = Buffer.from(message.headers.e, 'utf8').toString('base64');
  }
  if (message.headers.i !== null) {
    h.i = Buffer.from(message.headers.i, 'utf8').toString('base64');
  }
  if (message.headers.c) {
    h.c = true;
  }
  return JSON.stringify({ p: message.payload.toString('base64'), h });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeField(name: string, value: unknown): Buffer {
  if (typeof value !== 'string') {
    throw new MalformedMessageError(`malformed encrypted value: "${name}" is not a string`);
  }
  const bytes = strictBase64Decode(value);
  if (bytes === null) {
    throw new MalformedMessageError(`malformed encrypted value: "${name}" is not strict Base64`);
  }
  return bytes;
}

/**
 * Parses a stored value into a {@link Message}, validating what Rails validates before it tries
 * any key (JSON object with `p`, strict Base64, a 16-byte auth tag) plus a 12-byte IV.
 *
 * @throws MalformedMessageError when the value is not a well-formed message.
 */
export function parseMessage(text: string): Message {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new MalformedMessageError('malformed encrypted value: not JSON');
  }
  if (!isRecord(data) || !('p' in data)) {
    throw new MalformedMessageError('malformed encrypted value: not an object with a payload "p"');
  }
  const payload = decodeField('p', data.p);
  const h = data.h ?? {};
  if (!isRecord(h)) {
    throw new MalformedMessageError('malformed encrypted value: headers "h" are not an object');
  }
  if ('k' in h) {
    throw new MalformedMessageError(
      'unsupported encrypted value: envelope encryption (header "k") is not supported',
    );
  }
  for (const [name, value] of Object.entries(h)) {
    // Rails Base64-decodes every string header, known or not, and fails on bad Base64.
    if (typeof value === 'string') {
      decodeField(`h.${name}`, value);
    }
  }
  if (h.iv === undefined || h.at === undefined) {
    throw new MalformedMessageError('malformed encrypted value: missing "iv" or "at" header');
  }
  const iv = decodeField('h.iv', h.iv);
  const at = decodeField('h.at', h.at);
  if (iv.length !== IV_LENGTH) {
    throw new MalformedMessageError(`malformed encrypted value: IV is not ${IV_LENGTH} bytes`);
  }
  if (at.length !== AUTH_TAG_LENGTH) {
    throw new MalformedMessageError(
      `malformed encrypted value: auth tag is not ${AUTH_TAG_LENGTH} bytes`,
    );
  }
  if (h.c !== undefined && h.c !== null && typeof h.c !== 'boolean') {
    throw new MalformedMessageError('malformed encrypted value: "c" is not a boolean');
  }
  const e = h.e === undefined || h.e === null ? null : decodeField('h.e', h.e).toString('latin1');
  const i = h.i === undefined || h.i === null ? null : decodeField('h.i', h.i).toString('latin1');
  return { payload, headers: { iv, at, e, i, c: h.c === true } };
}

// Ruby encodings whose bytes map one-to-one onto code points U+0000..U+00FF. WHATWG's
// TextDecoder would read ISO-8859-1 as windows-1252, which differs in 0x80-0x9F.
const LATIN1_ENCODINGS = new Set(['ASCII-8BIT', 'BINARY', 'US-ASCII', 'ASCII', 'ISO-8859-1']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Turns decrypted bytes into a string using the message's `e` header (Ruby encoding name; UTF-8
 * when absent).
 *
 * UTF-8 is decoded strictly: Ruby would hand back an invalid string, JavaScript would silently
 * substitute U+FFFD, and either is garbage. Invalid UTF-8 after successful authentication means
 * the unauthenticated headers were altered (say `c` removed) or the writer stored bytes that are
 * not text; {@link reencrypt} still carries such values over byte for byte.
 *
 * @throws MalformedMessageError for invalid UTF-8 or an encoding Node cannot decode.
 */
export function decodeText(bytes: Buffer, encoding: string | null): string {
  if (encoding === null || encoding.toUpperCase() === 'UTF-8') {
    try {
      return utf8.decode(bytes);
    } catch (error) {
      throw new MalformedMessageError(
        'malformed encrypted value: the decrypted bytes are not valid UTF-8',
        { cause: error },
      );
    }
  }
  if (LATIN1_ENCODINGS.has(encoding.toUpperCase())) {
    return bytes.toString('latin1');
  }
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch (error) {
    throw new MalformedMessageError(
      `unsupported encrypted value: text encoding "${encoding}" is not supported`,
      { cause: error },
    );
  }
}
