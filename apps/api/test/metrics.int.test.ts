import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/** The value of one series in a Prometheus text exposition, or null when absent. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return null;
}

describe('/metrics (prom-client)', () => {
  const t = useTestApp({ COMMANDER_METRICS_PUBLIC: 'true' });

  it('times requests by route pattern and reports the installation from one aggregate', async () => {
    const [workspace] = await t.db.workspace.findMany({ take: 1 });
    const cluster = await t.db.cluster.create({
      data: { workspaceId: workspace!.id, name: `metrics-${t.suffix}`, agentStatus: 'online' },
    });
    await t.db.clusterOperation.create({
      data: { clusterId: cluster.id, kind: 'INSTALL', status: 'QUEUED' },
    });
    await t.db.managerReplica.create({
      data: { id: `metrics-${t.suffix}`, hostname: 'h', pid: 1, heartbeatAt: new Date() },
    });
    await t.db.managerReplica.create({
      data: {
        id: `metrics-dead-${t.suffix}`,
        hostname: 'h',
        pid: 2,
        heartbeatAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(
      series(text, 'commander_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/healthz',
        status_code: '200',
      }),
    ).toBe(1);
    expect(series(text, 'commander_operations', { kind: 'install', status: 'queued' })).toBe(1);
    expect(series(text, 'commander_agents', { state: 'online' })).toBe(1);
    expect(series(text, 'commander_manager_replicas_alive')).toBe(1);
    expect(series(text, 'commander_telemetry_samples_total')).toBe(0);
    expect(series(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Unmatched URLs share one label value: a scan cannot grow the series without bound.
    await t.app.inject({ method: 'GET', url: '/no/such/path/1' });
    await t.app.inject({ method: 'GET', url: '/no/such/path/2' });
    const after = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(after).not.toContain('/no/such/path');
  });
});
