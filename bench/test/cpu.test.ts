import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { CpuMeter, processCpuSeconds } from '../src/cpu.js';

describe('CpuMeter', () => {
  it("counts a group's own report when its process has exited before the meter stops", async () => {
    // A child that burns some CPU and exits: /proc has nothing of it by stop().
    const child = spawn(process.execPath, [
      '-e',
      'const end = Date.now() + 200; while (Date.now() < end) {}',
    ]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let reported: number | null = null;
    const meter = new CpuMeter([
      { name: 'gone', pids: () => [child.pid!] },
      { name: 'self-reported', pids: () => [child.pid!], reported: () => reported },
      { name: 'this process', pids: () => [process.pid] },
    ]);
    await meter.start();
    await exited;
    expect(processCpuSeconds(child.pid!)).toBeNull();
    reported = 0.25;
    const usage = await meter.stop();
    const cores = Object.fromEntries(usage.groups.map((g) => [g.name, g.cores]));
    // Without a report the exited process reads as nothing (the bug the fleet soak had).
    expect(cores.gone).toBe(0);
    expect(cores['self-reported']).toBeCloseTo(0.25 / usage.wallSeconds, 6);
    expect(cores['this process']).toBeGreaterThanOrEqual(0);
    expect(usage.otherCores).toBeGreaterThanOrEqual(0);
  });

  it('falls back to /proc while the report is not there (null)', async () => {
    const meter = new CpuMeter([
      { name: 'this process', pids: () => [process.pid], reported: () => null },
    ]);
    await meter.start();
    // 50 ms of CPU (not of wall time: the machine may be busy), 5 ticks of /proc at least.
    const from = process.cpuUsage();
    while (process.cpuUsage(from).user < 50_000) {
      // burn
    }
    const usage = await meter.stop();
    expect(usage.groups[0]!.cores).toBeGreaterThan(0);
  });
});
