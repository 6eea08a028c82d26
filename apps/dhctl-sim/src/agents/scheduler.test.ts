import { afterEach, describe, expect, it, vi } from 'vitest';

import { TaskScheduler } from './scheduler.js';

const schedulers: TaskScheduler[] = [];

function create(maxConcurrent?: number): TaskScheduler {
  const scheduler = new TaskScheduler(maxConcurrent === undefined ? {} : { maxConcurrent });
  schedulers.push(scheduler);
  return scheduler;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TaskScheduler', () => {
  it('runs tasks in due order with one timer', async () => {
    const scheduler = create();
    const order: string[] = [];
    const now = Date.now();
    for (const [key, offset] of [
      ['c', 30],
      ['a', 10],
      ['b', 20],
      ['d', 30],
    ] as const) {
      scheduler.schedule(key, now + offset, () => {
        order.push(key);
        return Promise.resolve();
      });
    }
    // Polled, not slept: on a loaded machine timers fire late, never early or out of order.
    await expect.poll(() => order.length, { timeout: 5_000, interval: 10 }).toBe(4);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(scheduler.stats()).toMatchObject({ started: 4, queued: 0, running: 0 });
    // One timer for the earliest entry, re-armed as entries come due (never one per task set up).
    expect(scheduler.stats().timersArmed).toBeLessThanOrEqual(4);
  });

  it('replaces and cancels pending runs by key', async () => {
    const scheduler = create();
    const runs: string[] = [];
    scheduler.schedule('x', Date.now() + 10, () => {
      runs.push('first');
      return Promise.resolve();
    });
    scheduler.schedule('x', Date.now() + 20, () => {
      runs.push('second');
      return Promise.resolve();
    });
    scheduler.schedule('y', Date.now() + 10, () => {
      runs.push('y');
      return Promise.resolve();
    });
    scheduler.cancel('y');
    expect(scheduler.has('x')).toBe(true);
    expect(scheduler.has('y')).toBe(false);
    await expect.poll(() => runs.includes('second'), { timeout: 5_000, interval: 10 }).toBe(true);
    expect(runs).toEqual(['second']);
  });

  it('caps tasks in flight and catches up as they finish', async () => {
    const scheduler = create(2);
    let running = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 10; i += 1) {
      scheduler.schedule(`t${i}`, Date.now(), async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(5);
        running -= 1;
        done += 1;
      });
    }
    await expect.poll(() => done, { timeout: 5_000, interval: 10 }).toBe(10);
    expect(peak).toBe(2);
  });

  it('stops: waits for running tasks and runs nothing more', async () => {
    // Fake timers: the clock moves only when the test says, so "nothing more ran" is checked
    // past the later task's due time without waiting for it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const scheduler = create();
    let started = false;
    let finished = false;
    let later = false;
    scheduler.schedule('now', Date.now(), async () => {
      started = true;
      await sleep(20);
      finished = true;
    });
    scheduler.schedule('later', Date.now() + 150, () => {
      later = true;
      return Promise.resolve();
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(true);
    const stopping = scheduler.stop();
    await vi.advanceTimersByTimeAsync(20);
    await stopping;
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(later).toBe(false);
    scheduler.schedule('after', Date.now(), () => Promise.resolve());
    expect(scheduler.stats().queued).toBe(0);
  });
});
