import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('manager logger', () => {
  it('redacts secret-bearing fields at the top level, one level down and in headers', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', 'r1', stream);
    log.info(
      {
        password: 'pw-1',
        token: 'tok-1',
        privateKey: 'key-1',
        cluster: { sshPrivateKey: 'key-2', name: 'alpha', state: '{"uuid":"x"}' },
        req: { headers: { authorization: 'Bearer abc', 'x-auth-token': 'xat', accept: '*/*' } },
        registry: { dockerConfig: 'eyJ...', 'x-auth-token': 'xat2' },
      },
      'hello',
    );
    const line = lines[0]!;
    expect(line).toMatchObject({
      password: '[REDACTED]',
      token: '[REDACTED]',
      privateKey: '[REDACTED]',
      cluster: { sshPrivateKey: '[REDACTED]', name: 'alpha', state: '[REDACTED]' },
      req: {
        headers: { authorization: '[REDACTED]', 'x-auth-token': '[REDACTED]', accept: '*/*' },
      },
      registry: { dockerConfig: '[REDACTED]', 'x-auth-token': '[REDACTED]' },
      msg: 'hello',
    });
    const text = JSON.stringify(line);
    for (const secret of ['pw-1', 'tok-1', 'key-1', 'key-2', 'Bearer abc', 'xat', 'eyJ']) {
      expect(text).not.toContain(secret);
    }
  });
});
