// Go's encoding/base64 and encoding/base32 (standard alphabets, padded), with Go's decode errors.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeMap(alphabet: string): Uint8Array {
  const m = new Uint8Array(256).fill(0xff);
  for (let i = 0; i < alphabet.length; i++) {
    m[alphabet.charCodeAt(i)] = i;
  }
  return m;
}

const b64map = decodeMap(B64);
const b32map = decodeMap(B32);

/** Go's base64.CorruptInputError text. */
export class CorruptInputError extends Error {
  constructor(offset: number, kind: 'base64' | 'base32') {
    super(`illegal ${kind} data at input byte ${offset}`);
  }
}

/** base64.StdEncoding.EncodeToString. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  const rem = bytes.length - i;
  if (rem === 1) {
    const v = (bytes[i] ?? 0) << 16;
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + '==';
  } else if (rem === 2) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + '=';
  }
  return out;
}

/** base64.StdEncoding.DecodeString. Throws CorruptInputError. */
export function base64Decode(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingErr: CorruptInputError | null = null;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) {
          return Uint8Array.from(out);
        }
        throw new CorruptInputError(si - j, 'base64');
      }
      const inb = src[si] ?? 0;
      si++;
      const o = b64map[inb] ?? 0xff;
      if (o !== 0xff) {
        dbuf[j] = o;
        continue;
      }
      if (inb === 0x0a || inb === 0x0d) {
        j--;
        continue;
      }
      if (inb !== 0x3d) {
        throw new CorruptInputError(si - 1, 'base64');
      }
      if (j === 0 || j === 1) {
        throw new CorruptInputError(si - 1, 'base64');
      }
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) {
          si++;
        }
        if (si === src.length) {
          throw new CorruptInputError(src.length, 'base64');
        }
        if (src[si] !== 0x3d) {
          throw new CorruptInputError(si - 1, 'base64');
        }
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) {
        si++;
      }
      if (si < src.length) {
        trailingErr = new CorruptInputError(si, 'base64');
      }
      dlen = j;
      done = true;
      break;
    }
    const v =
      ((dbuf[0] ?? 0) << 18) | ((dbuf[1] ?? 0) << 12) | ((dbuf[2] ?? 0) << 6) | (dbuf[3] ?? 0);
    const b0 = (v >> 16) & 0xff;
    const b1 = (v >> 8) & 0xff;
    const b2 = v & 0xff;
    if (dlen >= 2) {
      out.push(b0);
    }
    if (dlen >= 3) {
      out.push(b1);
    }
    if (dlen >= 4) {
      out.push(b2);
    }
    if (trailingErr) {
      throw trailingErr;
    }
    if (done) {
      break;
    }
  }
  return Uint8Array.from(out);
}

/** base32.StdEncoding.EncodeToString. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    const b = [0, 0, 0, 0, 0];
    chunk.forEach((x, k) => {
      b[k] = x;
    });
    const idx = [
      (b[0]! >> 3) & 31,
      ((b[0]! << 2) | (b[1]! >> 6)) & 31,
      (b[1]! >> 1) & 31,
      ((b[1]! << 4) | (b[2]! >> 4)) & 31,
      ((b[2]! << 1) | (b[3]! >> 7)) & 31,
      (b[3]! >> 2) & 31,
      ((b[3]! << 3) | (b[4]! >> 5)) & 31,
      b[4]! & 31,
    ];
    const nchars = [0, 2, 4, 5, 7, 8][chunk.length] ?? 8;
    for (let k = 0; k < 8; k++) {
      out += k < nchars ? B32[idx[k]!] : '=';
    }
  }
  return out;
}

/** base32.StdEncoding.DecodeString. Throws CorruptInputError. */
export function base32Decode(input: Uint8Array): Uint8Array {
  const src0 = Array.from(input).filter((b) => b !== 0x0a && b !== 0x0d);
  const olen = src0.length;
  let src = src0;
  const out: number[] = [];
  let end = false;
  while (src.length > 0 && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8;) {
      if (src.length === 0) {
        throw new CorruptInputError(olen - src.length - j, 'base32');
      }
      const inb = src[0] ?? 0;
      src = src.slice(1);
      if (inb === 0x3d && j >= 2 && src.length < 8) {
        if (src.length + j < 8 - 1) {
          throw new CorruptInputError(olen, 'base32');
        }
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (src.length > k && src[k] !== 0x3d) {
            throw new CorruptInputError(olen - src.length + k - 1, 'base32');
          }
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) {
          throw new CorruptInputError(olen - src.length - 1, 'base32');
        }
        break;
      }
      const d = b32map[inb] ?? 0xff;
      if (d === 0xff) {
        throw new CorruptInputError(olen - src.length - 1, 'base32');
      }
      dbuf[j] = d;
      j++;
    }
    const d = dbuf as [number, number, number, number, number, number, number, number];
    const bytes = [
      ((d[0] << 3) | (d[1] >> 2)) & 0xff,
      ((d[1] << 6) | (d[2] << 1) | (d[3] >> 4)) & 0xff,
      ((d[3] << 4) | (d[4] >> 1)) & 0xff,
      ((d[4] << 7) | (d[5] << 2) | (d[6] >> 3)) & 0xff,
      ((d[6] << 5) | d[7]) & 0xff,
    ];
    const n = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0;
    out.push(...bytes.slice(0, n));
  }
  return Uint8Array.from(out);
}
