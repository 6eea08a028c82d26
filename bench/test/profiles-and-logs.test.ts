import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { TelemetryBodySchema } from '@commander/contracts';
import { afterEach, describe, expect, it } from 'vitest';

import { agentApiLatencies } from '../src/api-log.js';
import { analyzeProfiles, describeBreakdown, profileFiles } from '../src/cpu-profile.js';
import { newAgentModel, nextTelemetryBody } from '../src/telemetry-body.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('analyzeProfiles', () => {
  it('sums self time by component inside the window, leaving idle out', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'api'));
    const frame = (functionName: string, url: string) => ({
      functionName,
      url,
      scriptId: '0',
      lineNumber: 0,
      columnNumber: 0,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        {
          id: 3,
          callFrame: frame(
            'Ni',
            'file:///r/node_modules/.pnpm/@prisma+client@7/node_modules/@prisma/client/runtime/client.js',
          ),
        },
        {
          id: 4,
          callFrame: frame('parse', 'file:///r/node_modules/.pnpm/zod@4/node_modules/zod/index.js'),
        },
        {
          id: 5,
          callFrame: frame('recordTelemetry', 'file:///r/packages/core/src/agent/agent.ts'),
        },
      ],
      startTime: 1_000,
      // Samples at 1,100 … 1,700 µs; the window [1,150, 1,650] keeps the middle five.
      samples: [3, 3, 2, 3, 4, 5, 2, 4],
      timeDeltas: [100, 100, 100, 100, 100, 100, 100, 100],
    };
    writeFileSync(path.join(dir, 'api', 'CPU.1.cpuprofile'), JSON.stringify(profile));
    const files = profileFiles(dir, 'api');
    expect(files).toHaveLength(1);
    const breakdown = analyzeProfiles(files, 1_150, 1_650);
    // In the window: prisma (1,200 and 1,400 µs), idle, zod, core → 400 µs busy.
    expect(breakdown.busyMs).toBeCloseTo(0.4);
    expect(breakdown.shares).toEqual([
      { component: 'Prisma client runtime', share: 0.5 },
      { component: 'zod validation', share: 0.25 },
      { component: 'Commander code (apps, packages)', share: 0.25 },
    ]);
    expect(describeBreakdown(breakdown)).toBe(
      'Prisma client runtime 50 %, zod validation 25 %, Commander code (apps, packages) 25 %',
    );
    expect(profileFiles(dir, 'manager')).toEqual([]);
  });
});

describe('agentApiLatencies', () => {
  it('joins request lines by id and summarizes agent routes in the window', () => {
    const dir = tempDir();
    const uuid = '3f2b8c1e-0000-4000-8000-000000000001';
    const lines = [
      {
        time: 100,
        reqId: 'a',
        msg: 'incoming request',
        req: { method: 'POST', url: `/agent_api/${uuid}/telemetry` },
      },
      {
        time: 105,
        reqId: 'a',
        msg: 'request completed',
        res: { statusCode: 204 },
        responseTime: 5,
      },
      {
        time: 110,
        reqId: 'b',
        msg: 'incoming request',
        req: { method: 'GET', url: `/agent_api/${uuid}/resources` },
      },
      {
        time: 112,
        reqId: 'b',
        msg: 'request completed',
        res: { statusCode: 304 },
        responseTime: 2,
      },
      { time: 120, reqId: 'c', msg: 'incoming request', req: { method: 'GET', url: '/healthz' } },
      {
        time: 121,
        reqId: 'c',
        msg: 'request completed',
        res: { statusCode: 200 },
        responseTime: 1,
      },
      {
        time: 500,
        reqId: 'd',
        msg: 'incoming request',
        req: { method: 'POST', url: `/agent_api/${uuid}/telemetry` },
      },
      {
        time: 900,
        reqId: 'd',
        msg: 'request completed',
        res: { statusCode: 204 },
        responseTime: 400,
      },
    ];
    const file = path.join(dir, 'api.log');
    writeFileSync(file, `not json\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const result = agentApiLatencies(file, 0, 200);
    expect(Object.keys(result).sort()).toEqual(['GET resources', 'POST telemetry']);
    expect(result['POST telemetry']?.statuses).toEqual({ '204': 1 });
    expect(result['POST telemetry']?.responseTimeMs.max).toBe(5);
    expect(result['GET resources']?.statuses).toEqual({ '304': 1 });
  });
});

describe('nextTelemetryBody', () => {
  it('produces bodies the agent API accepts, with usage inside the sizes', () => {
    const model = newAgentModel(3, () => 0.5);
    for (let i = 0; i < 50; i++) {
      const body = TelemetryBodySchema.parse(nextTelemetryBody(model));
      expect(body.cpu_usage).toBeLessThanOrEqual(body.cpu_cores);
      expect(body.memory_used_bytes).toBeLessThanOrEqual(body.memory_bytes);
      expect(body.storage_used_bytes).toBeLessThanOrEqual(body.storage_bytes);
      expect(body.node_count).toBe(5);
      expect(body.components).toHaveLength(8);
    }
  });
});
