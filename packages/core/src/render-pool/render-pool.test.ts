import type { TemplateSections } from '@commander/contracts';
import { afterAll, describe, expect, it } from 'vitest';

import { RenderPool, RenderPoolBusyError, RenderPoolLimitError } from './index.js';

const SPECIALS = {
  dc_sshPublicKey: 'ssh-ed25519 AAAA test',
  dc_sshPrivateKey: 'PRIVATE',
  dc_clusterUUID: '00000000-0000-4000-8000-000000000001',
  dc_domain: 'commander.example.com',
  dc_caBundle: '',
};

function sections(kubernetes: string): TemplateSections {
  return {
    kubernetes_template: kubernetes,
    placement_template: '',
    ssh_template: '',
    installation_template: '',
    primary_resources_template: '',
    resources: [],
  };
}

// A render that never looks at the budget's clock: one regexReplaceAll over a long string with
// many matches runs inside a single template step.
const OVERRUN =
  '{{ $s := repeat 100000 "ab" }}{{ range until 100000 }}{{ $s = regexReplaceAll "a" $s "a" }}{{ end }}';

const pools: RenderPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('RenderPool', () => {
  it('renders in a worker and reports budget limits as a typed result', async () => {
    const pool = new RenderPool({ workers: 1, limits: { maxSteps: 10_000 } });
    pools.push(pool);
    await pool.ready();
    const ok = await pool.render(sections('name: {{ .name | upper }}'), { name: 'x' }, SPECIALS);
    expect(ok.texts.kubernetes).toBe('name: X');
    const bomb = await pool.render(
      sections('{{ range until 1000 }}{{ range until 100000 }}{{ end }}{{ end }}'),
      {},
      SPECIALS,
    );
    expect(bomb.limitExceeded).toEqual({ limit: 'steps', max: 10_000, section: 'kubernetes' });
  });

  it('kills an overrunning render, replaces its worker, and the next render works', async () => {
    const pool = new RenderPool({
      workers: 1,
      limits: { maxSteps: 1e12, timeoutMs: 60_000, maxStringLength: 1e9, maxOutputLength: 1e9 },
      killAfterMs: 300,
    });
    pools.push(pool);
    await pool.ready();
    const started = Date.now();
    const overrun = pool.render(sections(OVERRUN), {}, SPECIALS);
    await expect(overrun).rejects.toBeInstanceOf(RenderPoolLimitError);
    await expect(overrun).rejects.toMatchObject({ limit: 'timeout', max: 60_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The replacement worker takes the next render (its start-up is not counted).
    const next = await pool.render(sections('ok: {{ add 1 2 }}'), {}, SPECIALS);
    expect(next.texts.kubernetes).toBe('ok: 3');
    expect(pool.threads).toBe(1);
  });

  it('refuses renders beyond the queue bound as busy', async () => {
    const pool = new RenderPool({
      workers: 1,
      maxQueue: 1,
      limits: { maxSteps: 1e12, timeoutMs: 60_000, maxStringLength: 1e9, maxOutputLength: 1e9 },
      killAfterMs: 1_000,
    });
    pools.push(pool);
    await pool.ready();
    const running = pool.render(sections(OVERRUN), {}, SPECIALS).catch((e: unknown) => e);
    // The overrunning render has left the queue for the one worker.
    await expect.poll(() => pool.queued).toBe(0);
    const queued = pool.render(sections('a'), {}, SPECIALS).catch((e: unknown) => e);
    const refused = pool.render(sections('b'), {}, SPECIALS);
    await expect(refused).rejects.toBeInstanceOf(RenderPoolBusyError);
    expect(await running).toBeInstanceOf(RenderPoolLimitError);
    expect(await queued).toMatchObject({ texts: { kubernetes: 'a' } });
  });

  it('caps the heap of a worker', async () => {
    const pool = new RenderPool({
      workers: 1,
      heapMb: 32,
      limits: {
        maxSteps: 1e12,
        maxRange: 1e9,
        timeoutMs: 60_000,
        maxStringLength: 1e9,
        maxOutputLength: 1e9,
      },
      killAfterMs: 20_000,
    });
    pools.push(pool);
    await pool.ready();
    // A list of a million lists, kept alive: more than 32 MiB of heap.
    const hog =
      '{{ $l := list }}{{ range until 3000000 }}{{ $l = append $l (list . . .) }}{{ end }}{{ len $l }}';
    await expect(pool.render(sections(hog), {}, SPECIALS)).rejects.toMatchObject({
      limit: 'heap',
      max: 32,
    });
    const next = await pool.render(sections('ok'), {}, SPECIALS);
    expect(next.texts.kubernetes).toBe('ok');
  });
});
