import { Writable } from 'node:stream';

import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { LazyRequestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level, redact: { paths: ['secret'], censor: '[REDACTED]' } }, stream);
  let children = 0;
  const original = Object.getPrototypeOf(root) as { child: typeof root.child };
  // Counts the children made (of the root and of children, which inherit it).
  root.child = function (this: typeof root, ...args: Parameters<typeof root.child>) {
    children++;
    return original.child.call(this, ...args);
  } as typeof root.child;
  return { root, lines, children: () => children };
}

describe('LazyRequestLogger', () => {
  it('builds no child while nothing is logged, or only below the level', () => {
    const c = capture('info');
    const log = new LazyRequestLogger(c.root, { reqId: 'r1' }, {});
    log.debug({ a: 1 }, 'not at info');
    log.trace('nor this');
    expect(c.children()).toBe(0);
    expect(c.lines).toEqual([]);
    expect(log.level).toBe('info');
  });

  it('logs as the child would: the bindings, the redaction, the message', async () => {
    const c = capture('info');
    const log = new LazyRequestLogger(c.root, { reqId: 'r2' }, {});
    log.warn({ secret: 's3cret', n: 2 }, 'careful');
    log.info('plain');
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.children()).toBe(1);
    expect(c.lines).toHaveLength(2);
    expect(c.lines[0]).toMatchObject({ level: 40, reqId: 'r2', secret: '[REDACTED]', n: 2 });
    expect(c.lines[0]!.msg).toBe('careful');
    expect(c.lines[1]).toMatchObject({ level: 30, reqId: 'r2', msg: 'plain' });
  });

  it("honours a route's own lower level", () => {
    const c = capture('info');
    const log = new LazyRequestLogger(c.root, { reqId: 'r3' }, { level: 'debug' });
    log.debug('visible');
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatchObject({ level: 20, reqId: 'r3', msg: 'visible' });
    expect(log.isLevelEnabled('debug')).toBe(true);
  });

  it('makes children of the child', () => {
    const c = capture('info');
    const log = new LazyRequestLogger(c.root, { reqId: 'r4' }, {});
    log.child({ part: 'x' }).info('nested');
    expect(c.lines[0]).toMatchObject({ reqId: 'r4', part: 'x', msg: 'nested' });
  });
});
