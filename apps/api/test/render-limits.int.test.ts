import type { AddressInfo } from 'node:net';

import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

// Rendering is a sandbox: hostile templates from any reader answer 4xx within the render
// deadline, on a real listener, while /healthz keeps answering.
const t = useTestApp({ RENDER_RATE_LIMIT: '12' });

let base = '';
let readToken = '';

beforeAll(async () => {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
});

type Answer = {
  status: number;
  body: { error?: { code: string; details?: unknown } } & Record<string, unknown>;
};

async function renderInline(token: string, template: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${base}/api/v1/render`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ template, values: {} }),
  });
  const body = (await res.json()) as Answer['body'];
  return { status: res.status, body };
}

/** Probes /healthz every 50 ms until stopped; returns every latency seen. */
function probeHealth(): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const res = await fetch(`${base}/healthz`);
      await res.text();
      expect(res.status).toBe(200);
      latencies.push(Date.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

const HOSTILE = {
  nestedLoops: '{{ range until 1000 }}{{ range until 100000 }}{{ end }}{{ end }}',
  hugeRepeat: '{{ range until 2 }}{{ repeat 200000000 "a" }}{{ end }}',
  recursion: '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}',
  regexLoop: `{{ range until 100000 }}{{ regexMatch "^(a+)+$" "${'a'.repeat(30)}b" }}{{ end }}`,
};

describe('render limits over HTTP', () => {
  // How fast (the deadline, /healthz latency under hostile renders) is measured by
  // `pnpm bench render`, not asserted here.
  it('answers hostile renders 422 render_limit_exceeded while /healthz keeps answering', async () => {
    // Four renders at once on two workers.
    // Warm the workers (their first start loads the renderer).
    expect((await renderInline(readToken, { kubernetes_template: 'a: 1' })).status).toBe(200);
    const rssBefore = process.memoryUsage().rss;
    const probe = probeHealth();
    const [loops, repeat, recursion, regexLoop] = await Promise.all([
      renderInline(readToken, { kubernetes_template: HOSTILE.nestedLoops }),
      renderInline(readToken, { placement_template: HOSTILE.hugeRepeat }),
      renderInline(readToken, { ssh_template: HOSTILE.recursion }),
      renderInline(readToken, { installation_template: HOSTILE.regexLoop }),
    ]);
    const latencies = await probe.stop();

    for (const answer of [loops, repeat, recursion]) {
      expect(answer.status).toBe(422);
      expect(answer.body.error?.code).toBe('render_limit_exceeded');
    }
    expect(loops.body.error?.details).toEqual({
      limit: expect.stringMatching(/^(steps|timeout)$/) as string,
      max: expect.any(Number) as number,
      section: 'kubernetes',
    });
    expect(repeat.body.error?.details).toEqual({
      limit: 'range',
      max: 100_000,
      section: 'placement',
    });
    expect(recursion.body.error?.details).toEqual({ limit: 'depth', max: 1_000, section: 'ssh' });
    // 100,000 catastrophic-pattern matches: linear time under RE2, so simply rendered.
    // (A backtracking engine would have hit the render deadline: 422.)
    expect(regexLoop.status).toBe(200);

    expect(latencies.length).toBeGreaterThan(3);
    // The 400 MB string was never built.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
  });

  it('runs a catastrophic regular expression in linear time (RE2)', async () => {
    const answer = await renderInline(readToken, {
      kubernetes_template: `x: {{ regexMatch "^(a+)+$" "${'a'.repeat(30)}b" }}`,
    });
    expect(answer.status).toBe(200);
    // Answered 200, not 422 at the render deadline: linear time.
    expect((answer.body.sections as Record<string, string>).kubernetes).toBe('x: false');
  });

  it('refuses a params pattern with a lookahead (invalid_template, params section)', async () => {
    const answer = await renderInline(readToken, {
      params: [{ key: 'a', title: 'A', type: 'string', pattern: '(?=a)a' }],
      kubernetes_template: 'a: 1',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error?.code).toBe('invalid_template');
    expect(answer.body.error?.details).toEqual([
      expect.objectContaining({ section: 'params', message: expect.stringMatching(/lookahead/) }),
    ]);
  });

  it('rate-limits renders per principal (429 rate_limited)', async () => {
    const token = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) {
      statuses.push((await renderInline(token, { kubernetes_template: 'a: 1' })).status);
    }
    expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
    expect(statuses[12]).toBe(429);
    const limited = await renderInline(token, { kubernetes_template: 'a: 1' });
    expect(limited.body.error?.code).toBe('rate_limited');
    // Another principal has its own allowance.
    const other = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    expect((await renderInline(other, { kubernetes_template: 'a: 1' })).status).toBe(200);
  });
});
