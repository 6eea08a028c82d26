import {
  type BatchTiming,
  collectMetrics,
  type InstallationMetrics,
  REPLICA_ALIVE_SECONDS,
  type SnapshotTiming,
} from '@commander/core';
import type { Db } from '@commander/db';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How long one aggregate answer serves scrapes (several Prometheus replicas, several APIs). */
const AGGREGATE_TTL_MS = 10_000;
/** The API's Prometheus metrics: HTTP durations by route, telemetry ingest, and the state of the installation (one cached aggregate query). */
export type ApiMetrics = {
  registry: Registry;
  /** Records a telemetry batch (TelemetryIngest's `onBatch`). */
  telemetryBatch: (batch: BatchTiming) => void;
  /** Records a telemetry snapshot statement (TelemetryIngest's `onSnapshots`). */
  telemetrySnapshots: (write: SnapshotTiming) => void;
};

/**
 * Creates the registry (one per app: tests build several apps in one process), times every
 * request by its route pattern (never the raw URL: bounded label values) and counts accepted
 * telemetry samples.
 */
export function registerApiMetrics(app: FastifyInstance, db: Db): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'commander_http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const telemetry = new Counter({
    name: 'commander_telemetry_samples_total',
    help: 'Telemetry samples accepted from agents.',
    registers: [registry],
  });

  // The write-behind buffer's batches: what an acknowledged sample waits for (BENCHMARKS.md
  // telemetry-tail): its queueing before the batch starts, then the statement and its commit.
  const batchBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
  const batchWrite = new Histogram({
    name: 'commander_telemetry_batch_write_seconds',
    help: 'Wall time of a telemetry batch statement, its commit included, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: batchBuckets,
    registers: [registry],
  });
  const batchQueued = new Histogram({
    name: 'commander_telemetry_batch_queued_seconds',
    help: "How long a telemetry batch's oldest sample waited before the batch was started.",
    buckets: batchBuckets,
    registers: [registry],
  });
  const batchSamples = new Histogram({
    name: 'commander_telemetry_batch_samples',
    help: 'Samples per telemetry batch.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [registry],
  });
  // The clusters' snapshots, written after their samples' commit (off the acknowledged path):
  // how long a snapshot lagged its committed sample, and its statement.
  const snapshotLag = new Histogram({
    name: 'commander_telemetry_snapshot_lag_seconds',
    help: "How long a snapshot statement's oldest snapshot waited after its sample's commit.",
    buckets: batchBuckets,
    registers: [registry],
  });
  const snapshotWrite = new Histogram({
    name: 'commander_telemetry_snapshot_write_seconds',
    help: 'Wall time of a telemetry snapshot statement, its commit included, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: batchBuckets,
    registers: [registry],
  });
  const telemetrySnapshots = (w: SnapshotTiming): void => {
    snapshotWrite.observe({ outcome: w.ok ? 'ok' : 'failed' }, w.writeMs / 1000);
    if (w.snapshots > 0) {
      snapshotLag.observe(w.lagMs / 1000);
    }
  };
  const telemetryBatch = (b: BatchTiming): void => {
    batchWrite.observe({ outcome: b.ok ? 'ok' : 'failed' }, b.writeMs / 1000);
    if (b.samples > 0) {
      batchQueued.observe(b.queuedMs / 1000);
      batchSamples.observe(b.samples);
    }
  };

  let cached: { at: number; value: Promise<InstallationMetrics> } | null = null;
  const aggregate = (): Promise<InstallationMetrics> => {
    if (!cached || Date.now() - cached.at > AGGREGATE_TTL_MS) {
      const value = collectMetrics(db);
      cached = { at: Date.now(), value };
      // A failed query is not cached: the next scrape asks again.
      value.catch(() => {
        cached = null;
      });
    }
    return cached.value;
  };

  new Gauge({
    name: 'commander_clusters',
    help: 'Live clusters by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await aggregate()).clusters) {
        this.set({ status: c.status.toLowerCase() }, c.n);
      }
    },
  });
  new Gauge({
    name: 'commander_operations',
    help: 'Operations queued or running, by kind and status.',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const o of (await aggregate()).operations) {
        this.set({ kind: o.kind.toLowerCase(), status: o.status.toLowerCase() }, o.n);
      }
    },
  });
  new Gauge({
    name: 'commander_agents',
    help: 'Clusters by agent state (online, silent, lost, unknown, …).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const a of (await aggregate()).agents) this.set({ state: a.status }, a.n);
    },
  });
  new Gauge({
    name: 'commander_manager_replicas_alive',
    help: `Cluster-manager replicas with a heartbeat in the last ${REPLICA_ALIVE_SECONDS} s.`,
    registers: [registry],
    async collect() {
      this.set((await aggregate()).replicas);
    },
  });
  new Gauge({
    name: 'commander_telemetry_lag_seconds',
    help: 'Age of the newest stored telemetry sample (grows when ingest stalls).',
    registers: [registry],
    async collect() {
      const lag = (await aggregate()).telemetryLagSeconds;
      this.set(lag ?? 0);
    },
  });

  // A callback hook (no promise per request); one label object per method, route and status,
  // made once.
  const labels = new Map<string, { method: string; route: string; status_code: string }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let named = labels.get(key);
    if (named === undefined) {
      named = { method: request.method, route, status_code: String(reply.statusCode) };
      labels.set(key, named);
    }
    http.observe(named, reply.elapsedTime / 1000);
    if (
      request.method === 'POST' &&
      route === '/agent_api/:cluster_uuid/telemetry' &&
      reply.statusCode < 300
    ) {
      telemetry.inc();
    }
    done();
  });
  return { registry, telemetryBatch, telemetrySnapshots };
}
