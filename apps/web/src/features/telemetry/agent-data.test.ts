import { describe, expect, it } from 'vitest';

import { formatBytes, hasTelemetry, percentOf, readAgentData } from './agent-data.js';

describe('readAgentData', () => {
  it('reads the overview and upmeter sources', () => {
    const snapshot = readAgentData([
      {
        source: 'overview',
        data: {
          reported_at: '2026-11-28T12:00:00.000Z',
          kubernetes_version: '1.31.4',
          metrics: { cpu_cores: 8, node_count: 3 },
          warnings: {
            firing_alerts: [
              { alert: 'AgentLost', severity: 'critical', message: 'x' },
              { alert: 'Y', severity: 'odd' },
            ],
          },
        },
      },
      {
        source: 'upmeter',
        data: { rows: [{ probes: [{ probe: 'dns', availability: 0.5 }] }, { probes: null }] },
      },
    ]);
    expect(snapshot).toMatchObject({
      reportedAt: '2026-11-28T12:00:00.000Z',
      kubernetesVersion: '1.31.4',
      dkpVersion: null,
      cpuCores: 8,
      cpuUsage: null,
      nodeCount: 3,
      alerts: [
        { alert: 'AgentLost', severity: 'critical', message: 'x' },
        { alert: 'Y', severity: 'warning', message: '' },
      ],
      components: [{ probe: 'dns', availability: 0.5 }],
    });
    expect(hasTelemetry(snapshot)).toBe(true);
  });

  it('survives malformed or missing data', () => {
    const snapshot = readAgentData([
      { source: 'overview', data: { metrics: 'broken', dkp_version: 5 } },
    ]);
    expect(snapshot.cpuCores).toBeNull();
    expect(snapshot.dkpVersion).toBeNull();
    expect(hasTelemetry(readAgentData([]))).toBe(false);
  });
});

describe('formatBytes and percentOf', () => {
  it('uses binary units', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 ** 3, 'en')).toBe('200 GiB');
    expect(formatBytes(15.64 * 1024 ** 3, 'en')).toBe('15.6 GiB');
  });

  it('rounds shares and knows when they are unknown', () => {
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 4)).toBe(100);
    expect(percentOf(null, 4)).toBeNull();
    expect(percentOf(1, 0)).toBeNull();
  });
});
