import { describe, expect, it } from 'vitest';

import { checkDhctlLink } from './deps.js';

function capture() {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const log = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
  } as never;
  return { warnings, log };
}

describe('checkDhctlLink', () => {
  it('warns for each dhctl server reached in plaintext over the network, only those', () => {
    const { warnings, log } = capture();
    checkDhctlLink(
      {
        default: 'dhctl:9090',
        '1.68': 'grpc://10.0.0.8:9090',
        '1.69': 'grpcs://dhctl-1-69:9090',
        '1.70': '127.0.0.1:9090',
        '1.71': 'unix:///run/dhctl.sock',
        '1.72': 'tls://[::1]:9090',
      },
      null,
      log,
    );
    expect(warnings.map((w) => w.fields.dhctlServer)).toEqual([
      'dhctl:9090',
      'grpc://10.0.0.8:9090',
    ]);
    expect(warnings[0]!.message).toMatch(/plaintext/);
  });

  it('treats bare addresses as TLS with DHCTL_TLS=true and refuses unknown schemes', () => {
    const { warnings, log } = capture();
    const tls = { enabled: true, ca: null, cert: null, key: null, serverName: null };
    checkDhctlLink({ default: 'dhctl:9090' }, tls, log);
    expect(warnings).toEqual([]);
    expect(() => checkDhctlLink({ default: 'http://dhctl:9090' }, null, log)).toThrow(
      /unknown scheme/,
    );
  });
});
