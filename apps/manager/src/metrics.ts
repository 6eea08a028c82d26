import { createServer, type Server } from 'node:http';

import type { OperationTimes } from '@commander/db';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The manager's Prometheus metrics (served on METRICS_PORT with /healthz): what this replica
 * finished, how long operations took and waited in the queue, what it runs now. Installation-
 * wide gauges (queued operations, replicas alive, agents) are the API's: one aggregate there,
 * not one per replica.
 */
export const managerRegistry = new Registry();
collectDefaultMetrics({ register: managerRegistry });

const finished = new Counter({
  name: 'commander_operations_finished_total',
  help: 'Operations this replica finished, by kind and final status.',
  labelNames: ['kind', 'status'] as const,
  registers: [managerRegistry],
});

const duration = new Histogram({
  name: 'commander_operation_duration_seconds',
  help: 'Time from the first start of an operation to its end, by kind and final status.',
  labelNames: ['kind', 'status'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
  registers: [managerRegistry],
});

const queueWait = new Histogram({
  name: 'commander_operation_queue_wait_seconds',
  help: 'Time an operation waited between its creation and its first start, by kind.',
  labelNames: ['kind'] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  registers: [managerRegistry],
});

const running = new Gauge({
  name: 'commander_manager_running_operations',
  help: 'Operations this replica runs now (0 or 1: concurrency 1).',
  registers: [managerRegistry],
});

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED']);
// Operations already counted (a re-delivered job of a finished operation must not count twice).
const counted = new Set<string>();

/**
 * Counts an operation this replica has just stopped running, if it reached a final status
 * (`op` as read when its cluster's lock was released). Never throws: metrics must not fail an
 * operation.
 */
export function observeOperationEnd(operationId: string, op: OperationTimes | null): void {
  if (!op || counted.has(operationId) || !FINAL.has(op.status)) return;
  counted.add(operationId);
  if (counted.size > 10_000) counted.clear();
  const kind = op.kind.toLowerCase();
  const status = op.status.toLowerCase();
  finished.inc({ kind, status });
  if (op.startedAt && op.finishedAt) {
    duration.observe({ kind, status }, (op.finishedAt.getTime() - op.startedAt.getTime()) / 1000);
  }
  if (op.startedAt) {
    queueWait.observe({ kind }, (op.startedAt.getTime() - op.createdAt.getTime()) / 1000);
  }
}

/** Serves /metrics and /healthz on `port` (0: any free port). Resolves once listening. */
export async function startMetricsServer(
  port: number,
  host: string,
  runningNow: () => number,
): Promise<Server> {
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method === 'GET' && url === '/metrics') {
      running.set(runningNow());
      managerRegistry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': managerRegistry.contentType }).end(text);
        })
        .catch(() => res.writeHead(500).end());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
