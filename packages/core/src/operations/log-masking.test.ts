import { generateKeyPairSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  createOperationMasker,
  MIN_MASKED_SECRET_LENGTH,
  OperationMaskerCache,
  SECRET_MASK,
  SecretMasker,
  secretsInDocuments,
} from './log-masking.js';

const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('SecretMasker', () => {
  it('masks a raw secret wherever it appears in a line', () => {
    const masker = new SecretMasker(['s3cr3t-Passw0rd']);
    expect(masker.mask('login with s3cr3t-Passw0rd now; again:s3cr3t-Passw0rd')).toBe(
      `login with ${SECRET_MASK} now; again:${SECRET_MASK}`,
    );
    expect(masker.maskLines(['a', 'pw=s3cr3t-Passw0rd'])).toEqual(['a', `pw=${SECRET_MASK}`]);
  });

  it('masks every line of a multi-line private key printed line by line, keeping the armor', () => {
    const masker = new SecretMasker([PRIVATE_KEY]);
    const printed = PRIVATE_KEY.trim()
      .split('\n')
      .map((line) => `│ ${line}`);
    const masked = masker.maskLines(printed);
    const body = PRIVATE_KEY.trim().split('\n').slice(1, -1);
    expect(body.length).toBeGreaterThan(5);
    for (const line of masked) {
      for (const secretLine of body.filter((l) => l.length >= MIN_MASKED_SECRET_LENGTH)) {
        expect(line).not.toContain(secretLine);
      }
    }
    expect(masked[0]).toBe('│ -----BEGIN PRIVATE KEY-----');
    expect(masked[1]).toBe(`│ ${SECRET_MASK}`);
    // Printed whole (one log line holding the key), it becomes one mask.
    expect(masker.mask(`key: ${PRIVATE_KEY}`)).toBe(`key: ${SECRET_MASK}`);
    // Re-indented as YAML (`key: |` block), each line is still masked.
    const yaml = PRIVATE_KEY.trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
    for (const secretLine of body) {
      expect(masker.mask(yaml)).not.toContain(secretLine);
    }
  });

  it('masks base64 of the whole value (padded, unpadded, with a trailing newline)', () => {
    const secret = 'registry-password-42';
    const masker = new SecretMasker([secret]);
    const b64 = Buffer.from(secret).toString('base64');
    expect(b64).toMatch(/=$/);
    expect(masker.mask(`data: ${b64}`)).toBe(`data: ${SECRET_MASK}`);
    expect(masker.mask(`data: ${b64.replace(/=+$/, '')}`)).toBe(`data: ${SECRET_MASK}`);
    const withNewline = Buffer.from(`${secret}\n`).toString('base64');
    expect(masker.mask(withNewline)).toBe(SECRET_MASK);
    const keyB64 = Buffer.from(PRIVATE_KEY).toString('base64');
    expect(new SecretMasker([PRIVATE_KEY]).mask(`"key":"${keyB64}"`)).toBe(
      `"key":"${SECRET_MASK}"`,
    );
  });

  it('masks the JSON-escaped form (a multi-line key or a quoted password inside JSON)', () => {
    const masker = new SecretMasker([PRIVATE_KEY, 'pa"ss\\word-9']);
    const json = JSON.stringify({ sshPrivateKey: PRIVATE_KEY, password: 'pa"ss\\word-9' });
    const masked = masker.mask(json);
    expect(masked).toBe(JSON.stringify({ sshPrivateKey: SECRET_MASK, password: SECRET_MASK }));
    expect(masked).not.toContain('BEGIN PRIVATE KEY-----\\n');
  });

  it(`ignores values shorter than ${MIN_MASKED_SECRET_LENGTH} characters, and empty input`, () => {
    const masker = new SecretMasker(['admin', '', '   ', null, undefined]);
    expect(masker.size).toBe(0);
    expect(masker.mask('admin logged in')).toBe('admin logged in');
  });

  it('masks strings inside JSON values (results) and takes secrets added later', () => {
    const masker = new SecretMasker(['first-secret']);
    masker.add('agent-key-0123456789');
    expect(
      masker.maskJson({ a: ['x first-secret', 3, null], b: { c: 'agent-key-0123456789' } }),
    ).toEqual({ a: [`x ${SECRET_MASK}`, 3, null], b: { c: SECRET_MASK } });
  });
});

describe('SecretMasker probes (the forms a line is searched for)', () => {
  it('finds a secret by each of its forms, alone, in copies and after later additions', () => {
    const masker = new SecretMasker([PRIVATE_KEY, 'pass-word-1']);
    const copy = masker.clone();
    const line = PRIVATE_KEY.trim().split('\n')[3]!;
    const forms = [
      PRIVATE_KEY,
      line,
      JSON.stringify(PRIVATE_KEY),
      Buffer.from(PRIVATE_KEY).toString('base64'),
      `pw pass-word-1 end`,
      Buffer.from('pass-word-1').toString('base64'),
    ];
    for (const form of forms) {
      for (const m of [masker, copy]) {
        expect(m.mask(`x ${form} y`)).not.toBe(`x ${form} y`);
        expect(m.mask(`x ${form} y`)).toContain(SECRET_MASK);
      }
    }
    // A secret added to a copy after its probes were computed is found by that copy only.
    copy.add('added-later-secret');
    expect(copy.mask('added-later-secret')).toBe(SECRET_MASK);
    expect(masker.mask('added-later-secret')).toBe('added-later-secret');
    expect(masker.mask('nothing to hide here')).toBe('nothing to hide here');
  });
});

describe('secrets of an operation', () => {
  it('finds secret fields, Kubernetes Secret data and registry credentials in documents', () => {
    const dockerCfg = Buffer.from(
      JSON.stringify({
        auths: { 'r.example.com': { auth: Buffer.from('robot:reg1stry-pw').toString('base64') } },
      }),
    ).toString('base64');
    const found = secretsInDocuments(
      [
        'apiVersion: deckhouse.io/v1',
        'kind: InitConfiguration',
        'deckhouse:',
        `  registryDockerCfg: ${dockerCfg}`,
        '  imagesRepo: registry.example.com/deckhouse',
        '---',
        'kind: Secret',
        'metadata: { name: creds }',
        'stringData:',
        '  anything: plain-secret-text',
        '---',
        'kind: YandexClusterConfiguration',
        'provider:',
        `  serviceAccountJSON: '{"id":"abc","private_key":"PRIVATE-KEY-MATERIAL"}'`,
        'sshPublicKey: ssh-ed25519 AAAA',
        'sudoPassword: sudo-pw-123',
        'secretName: not-a-secret-name',
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        dockerCfg,
        'reg1stry-pw',
        'plain-secret-text',
        'PRIVATE-KEY-MATERIAL',
        'sudo-pw-123',
      ]),
    );
    expect(found).not.toContain('registry.example.com/deckhouse');
    expect(found).not.toContain('not-a-secret-name');
  });

  it('builds a masker from the key, password values, registry config and rendered documents', () => {
    const masker = createOperationMasker({
      sshPrivateKey: PRIVATE_KEY,
      secretValues: { adminPassword: 'hunter2-hunter2' },
      registryDockerConfig: JSON.stringify({ auths: { r: { password: 'docker-pw-77' } } }),
      agentKey: 'agent-key-abcdef0123456789',
      desired: {
        cluster_configuration: '',
        provider_specific_cluster_configuration: '',
        init_configuration:
          'kind: InitConfiguration\ndeckhouse:\n  registryDockerCfg: abcdefgh12\n',
        connection_config: `kind: SSHConfig\nsshAgentPrivateKeys:\n- key: |\n    other-key-line-1\n    other-key-line-2\n  passphrase: phrase-123\n`,
        primary_resources: '',
        resources: [
          {
            name: 'main',
            sync_mode: 'managed',
            yaml: 'kind: Secret\ndata:\n  t: dG9rZW4tdmFsdWU=\n',
          },
        ],
      },
    });
    const text = [
      'hunter2-hunter2',
      'docker-pw-77',
      'agent-key-abcdef0123456789',
      'abcdefgh12',
      'other-key-line-2',
      'phrase-123',
      'dG9rZW4tdmFsdWU=',
      'token-value',
    ].join(' ');
    expect(masker.mask(text)).toBe(Array(8).fill(SECRET_MASK).join(' '));
  });
});

describe('OperationMaskerCache', () => {
  it('builds a cluster’s masker once per source key and hands out independent copies', () => {
    const cache = new OperationMaskerCache();
    let builds = 0;
    const build = (secret: string) => () => {
      builds += 1;
      return new SecretMasker([secret]);
    };
    const a = cache.get('cluster-1', 'key-1', build('first-secret'));
    const b = cache.get('cluster-1', 'key-1', build('never-built'));
    expect(builds).toBe(1);
    expect(b.mask('x first-secret y')).toBe(`x ${SECRET_MASK} y`);
    // A secret added during one run (a new agent key) stays that run's.
    a.add('added-in-run-a');
    expect(a.mask('added-in-run-a first-secret')).toBe(`${SECRET_MASK} ${SECRET_MASK}`);
    expect(b.mask('added-in-run-a')).toBe('added-in-run-a');
    expect(cache.get('cluster-1', 'key-1', build('x')).mask('added-in-run-a')).toBe(
      'added-in-run-a',
    );
    // New ciphertexts (a new render, key or registry): rebuilt, the old secret no longer cached.
    const c = cache.get('cluster-1', 'key-2', build('second-secret'));
    expect(builds).toBe(2);
    expect(c.mask('second-secret first-secret')).toBe(`${SECRET_MASK} first-secret`);
  });

  it('keeps at most maxEntries clusters, dropping the least recently used', () => {
    const cache = new OperationMaskerCache(2);
    let builds = 0;
    const build = () => {
      builds += 1;
      return new SecretMasker(['some-secret']);
    };
    cache.get('a', 'k', build);
    cache.get('b', 'k', build);
    cache.get('a', 'k', build);
    cache.get('c', 'k', build);
    expect(cache.size).toBe(2);
    cache.get('a', 'k', build);
    expect(builds).toBe(3);
    cache.get('b', 'k', build);
    expect(builds).toBe(4);
  });
});

describe('secretsInDocuments: the quick rejection of text without secret fields', () => {
  it('finds nothing in documents without a secret word, and skips parsing them', () => {
    expect(
      secretsInDocuments(
        'apiVersion: deckhouse.io/v1\nkind: ClusterConfiguration\npodSubnetCIDR: 10.111.0.0/16',
      ),
    ).toEqual([]);
    // Not YAML at all: no secret word, so it is not even parsed (parsing would not fail here).
    expect(secretsInDocuments('key: [unclosed')).toEqual([]);
  });

  it('still finds a secret behind escaped letters of its key (YAML and JSON)', () => {
    expect(secretsInDocuments('"p\\u0061ssw\\x6Frd": escaped-key-secret\n')).toEqual([
      'escaped-key-secret',
    ]);
    expect(secretsInDocuments('{"\\u0074oken": "json-escaped-secret"}')).toEqual([
      'json-escaped-secret',
    ]);
  });

  it('reads each repeated section of the desired and applied configurations once, same secrets', () => {
    const section = 'kind: SSHConfig\nsudoPassword: sudo-pw-123\n';
    const config = {
      cluster_configuration: '',
      provider_specific_cluster_configuration: '',
      init_configuration: '',
      connection_config: section,
      primary_resources: '',
      resources: [],
    } as unknown as Parameters<typeof createOperationMasker>[0]['desired'];
    const both = createOperationMasker({ desired: config, applied: config });
    expect(both.mask('pw sudo-pw-123')).toBe(`pw ${SECRET_MASK}`);
    expect(both.size).toBe(createOperationMasker({ desired: config }).size);
  });
});
