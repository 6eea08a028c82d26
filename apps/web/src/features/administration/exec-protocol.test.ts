import { describe, expect, it } from 'vitest';

import { execUrl, exitCodeOf, frame, parseFrame, resizeFrame } from './exec-protocol.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('exec protocol', () => {
  it('frames data behind its channel byte', () => {
    expect([...frame(0, 'ls\r')]).toEqual([0, 108, 115, 13]);
    expect(new TextDecoder().decode(resizeFrame(80, 24).subarray(1))).toBe(
      '{"Width":80,"Height":24}',
    );
    expect(resizeFrame(80, 24)[0]).toBe(4);
    const parsed = parseFrame(frame(1, 'hi').buffer as ArrayBuffer);
    expect(parsed?.channel).toBe(1);
    expect(new TextDecoder().decode(parsed?.payload)).toBe('hi');
    expect(parseFrame(new ArrayBuffer(0))).toBeNull();
  });

  it('reads the exit code of the error channel', () => {
    expect(exitCodeOf(bytes('{"metadata":{},"status":"Success"}'))).toEqual({
      code: 0,
      message: '',
    });
    expect(
      exitCodeOf(
        bytes(
          JSON.stringify({
            status: 'Failure',
            reason: 'NonZeroExitCode',
            message: 'command terminated with non-zero exit code',
            details: { causes: [{ reason: 'ExitCode', message: '127' }] },
          }),
        ),
      ).code,
    ).toBe(127);
    expect(exitCodeOf(bytes('{"status":"Failure","message":"container not found"}'))).toEqual({
      code: null,
      message: 'container not found',
    });
    expect(exitCodeOf(bytes('not json'))).toEqual({ code: null, message: 'not json' });
  });

  it('builds the exec URL through the proxy, encoded', () => {
    const url = new URL(
      execUrl(
        { protocol: 'https:', host: 'commander.example' },
        'c1',
        'default',
        'web-1',
        'nginx',
        ['sh'],
      ),
    );
    expect(url.protocol).toBe('wss:');
    expect(url.pathname).toBe(
      '/api/v1/clusters/c1/kubernetes/api/v1/namespaces/default/pods/web-1/exec',
    );
    expect(url.searchParams.getAll('command')).toEqual(['sh']);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      container: 'nginx',
      stdin: 'true',
      stdout: 'true',
      tty: 'true',
    });
    expect(url.searchParams.has('stderr')).toBe(false);
    expect(execUrl({ protocol: 'http:', host: 'h' }, 'c', 'n', 'p', 'c', ['sh'])).toMatch(/^ws:/);
  });
});
