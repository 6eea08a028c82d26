import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { composeConnectionConfig } from './connection-config.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----';

describe('composeConnectionConfig', () => {
  it('writes one SSHConfig and an SSHHost per master, skipping blank hosts', () => {
    const text = composeConnectionConfig({
      sshUser: ' ubuntu ',
      sshPort: 2222,
      privateKey: `${KEY}   `,
      passphrase: '',
      hosts: ['10.0.0.5', ' ', ' 10.0.0.6 '],
      bastion: { host: '', port: 22, user: 'jump' },
    });
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs).toEqual([
      {
        apiVersion: 'dhctl.deckhouse.io/v1',
        kind: 'SSHConfig',
        sshUser: 'ubuntu',
        sshPort: 2222,
        sshAgentPrivateKeys: [{ key: `${KEY}\n` }],
      },
      { apiVersion: 'dhctl.deckhouse.io/v1', kind: 'SSHHost', host: '10.0.0.5' },
      { apiVersion: 'dhctl.deckhouse.io/v1', kind: 'SSHHost', host: '10.0.0.6' },
    ]);
    // The key stays a literal block, readable in the preview.
    expect(text).toContain('- key: |\n');
  });

  it('adds the passphrase and the bastion only when given', () => {
    const text = composeConnectionConfig({
      sshUser: 'debian',
      sshPort: 22,
      privateKey: KEY,
      passphrase: 'qwerty123',
      hosts: ['172.16.0.1'],
      bastion: { host: '10.1.2.3', port: 2233, user: '' },
    });
    const config = parseAllDocuments(text)[0]?.toJS() as Record<string, unknown>;
    expect(config).toMatchObject({
      sshBastionHost: '10.1.2.3',
      sshBastionPort: 2233,
      sshAgentPrivateKeys: [{ key: `${KEY}\n`, passphrase: 'qwerty123' }],
    });
    expect(config).not.toHaveProperty('sshBastionUser');
  });
});
