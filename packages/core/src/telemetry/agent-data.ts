import type { TelemetryBodySchema } from '@commander/contracts';

/** Commander's `cluster_agent_data` shape, from a telemetry report. */
export function agentData(body: ReturnType<typeof TelemetryBodySchema.parse>, at: Date): unknown[] {
  return [
    {
      source: 'overview',
      data: {
        reported_at: at.toISOString(),
        dkp_version: body.dkp_version ?? null,
        kubernetes_version: body.kubernetes_version ?? null,
        update_channel: body.update_channel ?? null,
        update_available: body.update_available ?? false,
        metrics: {
          cpu_cores: body.cpu_cores,
          cpu_usage: body.cpu_usage ?? null,
          memory_bytes: body.memory_bytes,
          memory_used_bytes: body.memory_used_bytes ?? null,
          storage_bytes: body.storage_bytes,
          storage_used_bytes: body.storage_used_bytes ?? null,
          node_count: body.node_count,
        },
        warnings: {
          firing_alerts: body.alerts.map((a) => ({
            alert: a.name,
            severity: a.severity,
            message: a.message,
          })),
        },
      },
    },
    {
      source: 'upmeter',
      data: {
        rows: [
          { probes: body.components.map((c) => ({ probe: c.name, availability: c.availability })) },
        ],
      },
    },
  ];
}
