import type { Cluster } from '@commander/contracts';
import { z } from 'zod';

const num = z.number().nullish().catch(null);
const str = z.string().nullish().catch(null);

const OverviewSchema = z.object({
  reported_at: str,
  dkp_version: str,
  kubernetes_version: str,
  update_channel: str,
  update_available: z.boolean().nullish().catch(null),
  metrics: z
    .object({
      cpu_cores: num,
      cpu_usage: num,
      memory_bytes: num,
      memory_used_bytes: num,
      storage_bytes: num,
      storage_used_bytes: num,
      node_count: num,
    })
    .nullish()
    .catch(null),
  warnings: z
    .object({
      firing_alerts: z
        .array(
          z.object({
            alert: z.string().catch('unknown'),
            severity: z.string().nullish().catch(null),
            message: z.string().nullish().catch(null),
          }),
        )
        .nullish()
        .catch(null),
    })
    .nullish()
    .catch(null),
});

const UpmeterSchema = z.object({
  rows: z
    .array(
      z.object({
        probes: z
          .array(z.object({ probe: z.string(), availability: z.number().nullish().catch(null) }))
          .nullish()
          .catch(null),
      }),
    )
    .nullish()
    .catch(null),
});

export type AlertSeverity = 'critical' | 'warning' | 'info';

export type FiringAlert = { alert: string; severity: AlertSeverity; message: string };

export type ComponentProbe = { probe: string; availability: number | null };

/** Latest telemetry of a cluster, read from Commander's `cluster_agent_data`. */
export type AgentSnapshot = {
  reportedAt: string | null;
  dkpVersion: string | null;
  kubernetesVersion: string | null;
  updateChannel: string | null;
  updateAvailable: boolean | null;
  cpuCores: number | null;
  cpuUsage: number | null;
  memoryBytes: number | null;
  memoryUsedBytes: number | null;
  storageBytes: number | null;
  storageUsedBytes: number | null;
  nodeCount: number | null;
  alerts: FiringAlert[];
  components: ComponentProbe[];
};

function severity(value: string | null | undefined): AlertSeverity {
  return value === 'critical' || value === 'info' ? value : 'warning';
}

// One reading per fetched array: a list row reads it for several columns, and again on every
// render, while the array (the query's data) stays the same object until the next fetch.
const snapshots = new WeakMap<Cluster['cluster_agent_data'], AgentSnapshot>();

/**
 * Reads `cluster_agent_data` (`[{source: 'overview', data}, {source: 'upmeter', data}]`),
 * tolerating missing or malformed parts: it comes from agents of any version. The result is
 * shared between calls with the same array: treat it as read-only.
 */
export function readAgentData(data: Cluster['cluster_agent_data']): AgentSnapshot {
  let snapshot = snapshots.get(data);
  if (snapshot === undefined) {
    snapshot = parseAgentData(data);
    snapshots.set(data, snapshot);
  }
  return snapshot;
}

function parseAgentData(data: Cluster['cluster_agent_data']): AgentSnapshot {
  const overviewRaw = data.find((d) => d.source === 'overview')?.data;
  const upmeterRaw = data.find((d) => d.source === 'upmeter')?.data;
  const overview = OverviewSchema.safeParse(overviewRaw ?? {});
  const upmeter = UpmeterSchema.safeParse(upmeterRaw ?? {});
  const o = overview.success ? overview.data : null;
  const m = o?.metrics ?? null;
  const probes = upmeter.success
    ? (upmeter.data.rows ?? []).flatMap((row) => row.probes ?? [])
    : [];
  return {
    reportedAt: o?.reported_at ?? null,
    dkpVersion: o?.dkp_version ?? null,
    kubernetesVersion: o?.kubernetes_version ?? null,
    updateChannel: o?.update_channel ?? null,
    updateAvailable: o?.update_available ?? null,
    cpuCores: m?.cpu_cores ?? null,
    cpuUsage: m?.cpu_usage ?? null,
    memoryBytes: m?.memory_bytes ?? null,
    memoryUsedBytes: m?.memory_used_bytes ?? null,
    storageBytes: m?.storage_bytes ?? null,
    storageUsedBytes: m?.storage_used_bytes ?? null,
    nodeCount: m?.node_count ?? null,
    alerts: (o?.warnings?.firing_alerts ?? []).map((a) => ({
      alert: a.alert,
      severity: severity(a.severity),
      message: a.message ?? '',
    })),
    components: probes.map((p) => ({ probe: p.probe, availability: p.availability ?? null })),
  };
}

/** Whether the agent ever reported anything. */
export function hasTelemetry(snapshot: AgentSnapshot): boolean {
  return snapshot.reportedAt !== null || snapshot.nodeCount !== null || snapshot.alerts.length > 0;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const BYTE_UNITS_RU = ['Б', 'КиБ', 'МиБ', 'ГиБ', 'ТиБ', 'ПиБ'];

/** Bytes in binary units: "15.6 GiB", in Russian "15,6 ГиБ". */
export function formatBytes(bytes: number, language: string): string {
  const units = language.startsWith('ru') ? BYTE_UNITS_RU : BYTE_UNITS;
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value)} ${units[unit] ?? units[0]}`;
}

/** A share as a whole percentage (0..100), or null when unknown. */
export function percentOf(used: number | null, total: number | null): number | null {
  if (used === null || total === null || total <= 0) {
    return null;
  }
  return Math.min(100, Math.max(0, Math.round((used / total) * 100)));
}
