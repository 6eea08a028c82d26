import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { describe, expect, it } from 'vitest';

import { stopWhenSupervisorDies } from './supervisor.js';

describe('stopWhenSupervisorDies', () => {
  it('calls stop once the supervisor process is gone, and only then', async () => {
    const supervisor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    await once(supervisor, 'spawn');
    let stops = 0;
    stopWhenSupervisorDies(supervisor.pid, () => stops++, 20);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(stops).toBe(0);

    supervisor.kill('SIGKILL');
    await once(supervisor, 'exit');
    await expect.poll(() => stops, { timeout: 2_000, interval: 20 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stops).toBe(1);
  });

  it('watches nothing without a supervisor pid', async () => {
    let stops = 0;
    stopWhenSupervisorDies(undefined, () => stops++, 10);
    stopWhenSupervisorDies(1, () => stops++, 10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stops).toBe(0);
  });
});
