import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

/** An ed25519 key pair in OpenSSH's own formats. */
export type SshKeyPair = {
  /** `authorized_keys` line: `ssh-ed25519 AAAA… comment` (no trailing newline). */
  publicKey: string;
  /** Unencrypted `openssh-key-v1` private key, PEM-armoured, ending with a newline. */
  privateKey: string;
  /** `SHA256:…` fingerprint, as `ssh-keygen -l` prints it. */
  fingerprint: string;
};

const KEY_TYPE = 'ssh-ed25519';

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/**
 * Generates an ed25519 SSH key pair with node's crypto and encodes it the way `ssh-keygen -t
 * ed25519 -N ''` does (PROTOCOL.key, `openssh-key-v1`, cipher and KDF `none`).
 *
 * @param comment - Stored in the private key and appended to the public key line; default none.
 */
export function generateSshKeyPair(comment = ''): SshKeyPair {
  if (/[\r\n]/.test(comment)) {
    throw new RangeError('SSH key comment must be a single line');
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' });
  const privateJwk = privateKey.export({ format: 'jwk' });
  if (typeof publicJwk.x !== 'string' || typeof privateJwk.d !== 'string') {
    throw new Error('node did not export the raw ed25519 key');
  }
  const publicRaw = Buffer.from(publicJwk.x, 'base64url');
  const seed = Buffer.from(privateJwk.d, 'base64url');
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(publicRaw)]);

  // The private section starts with two equal random "check" integers (a wrong passphrase
  // would make them differ) and is padded with 1, 2, 3, … to the cipher block size (8 for none).
  const check = randomBytes(4);
  let section = Buffer.concat([
    check,
    check,
    sshString(KEY_TYPE),
    sshString(publicRaw),
    // OpenSSH stores the 64-byte "secret key" of ed25519: seed followed by public key.
    sshString(Buffer.concat([seed, publicRaw])),
    sshString(comment),
  ]);
  const padding = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([
    section,
    Buffer.from(Array.from({ length: padding }, (_, index) => index + 1)),
  ]);

  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  const base64 = body.toString('base64');
  const lines = base64.match(/.{1,70}/g) ?? [];

  const publicLine = `${KEY_TYPE} ${publicBlob.toString('base64')}`;
  const fingerprint = createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '');
  return {
    publicKey: comment === '' ? publicLine : `${publicLine} ${comment}`,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
    fingerprint: `SHA256:${fingerprint}`,
  };
}
