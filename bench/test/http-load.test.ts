import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closedLoop, describeErrors, openLoop, rateOf } from '../src/http-load.js';

/** A deterministic random source (mulberry32), so schedules are reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('load generators', () => {
  let server: http.Server;
  let baseUrl: string;
  const received: { path: string; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.statusCode = req.url === '/fail' ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('closed loop: counts answers by status and sends bodies', async () => {
    received.length = 0;
    const result = await closedLoop({
      baseUrl,
      concurrency: 4,
      durationMs: 300,
      expectedStatus: 204,
      next: (i) =>
        i % 5 === 4
          ? { method: 'GET', path: '/fail' }
          : { method: 'POST', path: `/ok/${i}`, body: JSON.stringify({ i }) },
    });
    expect(result.sent).toBe(received.length);
    expect(result.ok + (result.errors['503'] ?? 0)).toBe(result.sent);
    expect(result.errors['503']).toBeGreaterThan(0);
    expect(result.latenciesMs).toHaveLength(result.ok);
    expect(rateOf(result)).toBeGreaterThan(0);
    expect(describeErrors(result)).toMatch(/^503×\d+$/);
    const posted = received.find((r) => r.path === '/ok/0');
    expect(posted?.body).toBe('{"i":0}');
  });

  it('open loop: every sender sends on its own schedule for the whole window', async () => {
    received.length = 0;
    const result = await openLoop({
      baseUrl,
      senders: 20,
      intervalMs: 100,
      durationMs: 500,
      expectedStatus: 204,
      random: seeded(7),
      next: (index) => ({ method: 'POST', path: `/agent/${index}`, body: '{}' }),
    });
    expect(result.sent).toBe(received.length);
    expect(result.ok).toBe(result.sent);
    expect(describeErrors(result)).toBe('none');
    // 500 ms at one request per ~100 ms (±10 %): 4 to 6 requests per sender.
    const perSender = new Map<string, number>();
    for (const r of received) {
      perSender.set(r.path, (perSender.get(r.path) ?? 0) + 1);
    }
    expect(perSender.size).toBe(20);
    for (const count of perSender.values()) {
      expect(count).toBeGreaterThanOrEqual(4);
      expect(count).toBeLessThanOrEqual(6);
    }
  });

  it('records transport errors by code', async () => {
    const result = await closedLoop({
      baseUrl: 'http://127.0.0.1:1',
      concurrency: 1,
      durationMs: 50,
      expectedStatus: 200,
      next: () => ({ method: 'GET', path: '/' }),
    });
    expect(result.ok).toBe(0);
    expect(result.errors.ECONNREFUSED).toBe(result.sent);
  });
});
