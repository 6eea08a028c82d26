import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger, graphileLogBridge } from './logger.js';

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

  it("writes graphile-worker's job successes at debug only, and keeps its other lines", () => {
    const { lines, stream } = capture();
    const bridge = graphileLogBridge(createLogger('info', 'r1', stream));
    const job = { id: '7', task_identifier: 'operation/run', attempts: 1, payload: { x: 1 } };
    bridge.info('Completed task 7 (operation/run, 12.00ms) with success', { job });
    bridge.info('Worker connected and looking for jobs...', { workerId: 'w1' });
    bridge.error('Failed task 8 (operation/run, 3.00ms)', {
      job: { ...job, id: '8' },
      error: new Error('boom'),
    });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'Worker connected and looking for jobs...'],
      [50, 'Failed task 8 (operation/run, 3.00ms)'],
    ]);
    expect(lines[1]).toMatchObject({
      job: { id: '8', task: 'operation/run', attempt: 1 },
      error: 'boom',
      source: 'graphile-worker',
    });
    expect(JSON.stringify(lines[1])).not.toContain('payload');

    const debug = capture();
    graphileLogBridge(createLogger('debug', 'r1', debug.stream)).info(
      'Completed task 7 (operation/run, 12.00ms) with success',
      { job },
    );
    expect(debug.lines).toMatchObject([
      { level: 20, msg: 'Completed task 7 (operation/run, 12.00ms) with success' },
    ]);
  });
});
