import { deflateSync, inflateSync } from 'node:zlib';

import { deflate } from 'pako';

import { MalformedMessageError } from './errors.js';

/**
 * zlib (RFC 1950, `78 9c`) at the default level with zlib's classic hash, which reproduces the
 * bytes of Ruby's `Zlib::Deflate.deflate` on canonical zlib. Node's own zlib (a Chromium fork) and
 * pako 3's default hash produce different, equally valid, streams; that would break deterministic
 * lookups of values over 140 bytes written by Rails.
 */
export function compress(bytes: Buffer): Buffer {
  return Buffer.from(deflate(bytes, { legacyHash: true }));
}

/**
 * zlib (RFC 1950) at the default level with Node's native zlib: a valid stream that Ruby's
 * `Zlib::Inflate` (and {@link uncompress}) reads like any other, but not byte-identical to Ruby's.
 * For values encrypted with a random IV, whose ciphertext nobody compares, so the bytes need not
 * be Rails'. It costs a fifth of pako's CPU on small values (pako sets up its window on every
 * call: ~200 µs) and under half on large ones (an 88 kB render).
 */
export function compressFast(bytes: Buffer): Buffer {
  return deflateSync(bytes);
}

/**
 * Inflates a zlib stream. Node's native zlib, not pako: any valid stream inflates to the same
 * bytes whichever deflater wrote it, and native inflate costs about a third of pako's CPU
 * (~120 µs against ~390 µs for an 88 kB render; a manager decrypts the desired render and the
 * dhctl state on every check).
 *
 * @throws MalformedMessageError when the stream is corrupt.
 */
export function uncompress(bytes: Buffer): Buffer {
  try {
    return inflateSync(bytes);
  } catch (error) {
    throw new MalformedMessageError('malformed encrypted value: compressed payload is corrupt', {
      cause: error,
    });
  }
}
