import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { generateSshKeyPair } from './ssh.js';

class Reader {
  offset = 0;
  readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
  uint32(): number {
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  string(): Buffer {
    const length = this.uint32();
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

function decodePrivateKey(pem: string) {
  const lines = pem.trimEnd().split('\n');
  expect(lines[0]).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
  expect(lines.at(-1)).toBe('-----END OPENSSH PRIVATE KEY-----');
  for (const line of lines.slice(1, -2)) {
    expect(line).toHaveLength(70);
  }
  const body = Buffer.from(lines.slice(1, -1).join(''), 'base64');
  const magic = 'openssh-key-v1\0';
  expect(body.subarray(0, magic.length).toString('latin1')).toBe(magic);
  const reader = new Reader(body.subarray(magic.length));
  const cipher = reader.string().toString();
  const kdf = reader.string().toString();
  const kdfOptions = reader.string();
  const count = reader.uint32();
  const publicBlob = reader.string();
  const section = new Reader(reader.string());
  expect(reader.offset).toBe(reader.bytes.length);
  const check1 = section.uint32();
  const check2 = section.uint32();
  const type = section.string().toString();
  const publicRaw = section.string();
  const secret = section.string();
  const comment = section.string().toString();
  const padding = section.bytes.subarray(section.offset);
  return {
    cipher,
    kdf,
    kdfOptions,
    count,
    publicBlob,
    check1,
    check2,
    type,
    publicRaw,
    secret,
    comment,
    padding,
  };
}

// Node accepts raw ed25519 keys wrapped in fixed DER prefixes (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const hasSshKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

describe('generateSshKeyPair', () => {
  it('writes the openssh-key-v1 layout: no cipher, one ed25519 key, padded section', () => {
    const pair = generateSshKeyPair('commander@cluster-1');
    const key = decodePrivateKey(pair.privateKey);
    expect(key).toMatchObject({ cipher: 'none', kdf: 'none', count: 1, type: 'ssh-ed25519' });
    expect(key.kdfOptions).toHaveLength(0);
    expect(key.check1).toBe(key.check2);
    expect(key.publicRaw).toHaveLength(32);
    expect(key.secret).toHaveLength(64);
    expect(key.secret.subarray(32).equals(key.publicRaw)).toBe(true);
    expect(key.comment).toBe('commander@cluster-1');
    expect([...key.padding]).toEqual(Array.from({ length: key.padding.length }, (_, i) => i + 1));
    expect(key.padding.length).toBeLessThan(8);

    const [type, blob, comment] = pair.publicKey.split(' ');
    expect(type).toBe('ssh-ed25519');
    expect(blob).toMatch(/^AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(blob ?? '', 'base64').equals(key.publicBlob)).toBe(true);
    expect(comment).toBe('commander@cluster-1');
    expect(pair.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('stores a seed that signs for the stored public key', () => {
    const key = decodePrivateKey(generateSshKeyPair().privateKey);
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, key.secret.subarray(0, 32)]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, key.publicRaw]),
      format: 'der',
      type: 'spki',
    });
    const signature = sign(null, Buffer.from('challenge'), privateKey);
    expect(verify(null, Buffer.from('challenge'), publicKey, signature)).toBe(true);
  });

  it('omits the comment when none is given and refuses multi-line comments', () => {
    const pair = generateSshKeyPair();
    expect(pair.publicKey.split(' ')).toHaveLength(2);
    expect(decodePrivateKey(pair.privateKey).comment).toBe('');
    expect(generateSshKeyPair().publicKey).not.toBe(pair.publicKey);
    expect(() => generateSshKeyPair('a\nb')).toThrow(RangeError);
  });

  it(
    hasSshKeygen
      ? 'ssh-keygen -y reads the private key and derives the same public key and fingerprint'
      : 'ssh-keygen -y check NOT RUN: ssh-keygen is not installed (format checked above only)',
    () => {
      const pair = generateSshKeyPair('commander test');
      if (!hasSshKeygen) {
        expect(pair.privateKey).toContain('OPENSSH PRIVATE KEY');
        return;
      }
      const directory = mkdtempSync(path.join(tmpdir(), 'commander-ssh-'));
      try {
        const file = path.join(directory, 'id_ed25519');
        writeFileSync(file, pair.privateKey, { mode: 0o600 });
        const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' });
        expect(derived.trim().split(' ').slice(0, 2)).toEqual(
          pair.publicKey.split(' ').slice(0, 2),
        );
        const listed = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' });
        expect(listed).toContain(pair.fingerprint);
        expect(listed).toContain('(ED25519)');
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
});
