import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { stopWhenSupervisorDies } from './supervisor.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('stopWhenSupervisorDies', () => {
  it('calls stop once the supervisor process is gone, and only then', async () => {
    const supervisor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    await once(supervisor, 'spawn');
    // Fake intervals: the watch's checks run when the test advances the clock, not by waiting.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let stops = 0;
    stopWhenSupervisorDies(supervisor.pid, () => stops++, 20);
    vi.advanceTimersByTime(120);
    expect(stops).toBe(0);

    supervisor.kill('SIGKILL');
    await once(supervisor, 'exit');
    vi.advanceTimersByTime(20);
    expect(stops).toBe(1);
    vi.advanceTimersByTime(100);
    expect(stops).toBe(1);
  });

  it('watches nothing without a supervisor pid', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let stops = 0;
    stopWhenSupervisorDies(undefined, () => stops++, 10);
    stopWhenSupervisorDies(1, () => stops++, 10);
    vi.advanceTimersByTime(60);
    expect(stops).toBe(0);
  });
});
