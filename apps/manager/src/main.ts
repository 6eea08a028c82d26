import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';

import { openEncryption, settingText } from '@commander/core';
import { createDb } from '@commander/db';
import { loadDhctlTls } from '@commander/dhctl';
import { stopWhenSupervisorDies } from '@commander/process';
import { run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';

import { loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { createLogger, graphileLogBridge } from './logger.js';
import { startMetricsServer } from './metrics.js';
import { startReconcileLoop } from './reconcile.js';
import { ReplicaHeartbeat } from './replica.js';
import { buildTaskList, buildWebhookTaskList } from './task-list.js';

const config = loadConfig();
const log = createLogger(config.logLevel, config.replicaId);
// Read the TLS files before anything else: a wrong path stops the start with its name.
const dhctlTls = loadDhctlTls(config.dhctlTls);
const db = createDb(config.databaseUrl, {
  poolSize: 5,
  applicationName: `commander-manager ${config.replicaId}`,
  onConnectionError: (err) =>
    log.warn({ err: err.message }, 'database connection lost; reconnecting on demand'),
});

const { encryptor } = await openEncryption(db, { ...config.encryption, generateIfMissing: false });
const uuidSetting = await db.systemSetting.findUnique({ where: { key: 'commander_uuid' } });
if (!uuidSetting) {
  throw new Error('This database has not been initialised by the API yet: start the API first');
}
const deps = createDeps({
  db,
  databaseUrl: config.databaseUrl,
  encryptor,
  instance: {
    publicHost: new URL(config.publicUrl).host,
    publicUrl: config.publicUrl,
    caBundle: config.caBundle,
    commanderUuid: settingText(uuidSetting.value),
    agentImage: config.agentImage,
  },
  log,
  replicaId: config.replicaId,
  dhctlServers: config.dhctlServers,
  managedDhctl: config.managedDhctl,
  dhctlTls,
});
const heartbeat = new ReplicaHeartbeat(deps, {
  heartbeatMs: config.heartbeatMs,
  deadAfterMs: config.deadAfterMs,
  // Replaced by a newer process of this name, or declared dead while stalled: others run our
  // work now, so stop at once (the supervisor starts a fresh instance).
  onSuperseded: () => process.exit(1),
});
await heartbeat.start();

// Single-threaded by design (as Commander's cluster manager): one operation at a time per
// replica; scale by adding replicas.
// Listen before run() starts the worker, so its id (needed to release its jobs should this
// replica die) is not missed.
const events: WorkerEvents = new EventEmitter();
// graphile locks a job with the pool's id (or a worker's): record both.
events.on('pool:create', ({ workerPool }) => heartbeat.addWorkerId(workerPool.id));
events.on('worker:create', ({ worker }) => heartbeat.addWorkerId(worker.workerId));
// graphile-worker's pool is ours, so a connection PostgreSQL ends (a restart, or its shutdown
// racing ours) is logged instead of crashing the process with an unhandled 'error' event.
const queuePool = new pg.Pool({ connectionString: config.databaseUrl, max: 6 });
queuePool.on('error', (err) => {
  log.warn({ err: err.message }, 'idle queue connection lost; reconnecting on demand');
});
queuePool.on('connect', (client) => {
  client.on('error', (err) => {
    log.warn({ err: err.message }, 'queue connection lost; reconnecting on demand');
  });
});
const graphileLogger = graphileLogBridge(log);
const runner = await run({
  pgPool: queuePool,
  // No cron (the reconcile loop schedules checks), so no crontab file is looked for.
  parsedCronItems: [],
  events,
  concurrency: 1,
  noHandleSignals: true,
  pollInterval: 1_000,
  taskList: buildTaskList(deps),
  gracefulShutdownAbortTimeout: 60_000,
  // graphile-worker's own messages go to our JSON log.
  logger: graphileLogger,
});
// Webhook deliveries and rollout steps: a second runner on the same queue that takes only
// `webhook/delivery` and `rollout/advance` jobs, several at once; its worker ids are recorded like the first's (a dead replica's locked
// deliveries are released with its operations).
const webhookRunner = await run({
  pgPool: queuePool,
  parsedCronItems: [],
  events,
  concurrency: config.webhooks.concurrency,
  noHandleSignals: true,
  pollInterval: 1_000,
  taskList: buildWebhookTaskList(deps, config.webhooks, config.rollouts),
  gracefulShutdownAbortTimeout: 15_000,
  logger: graphileLogger,
});
const stopReconcile = startReconcileLoop(deps, config.reconcileEveryMs, {
  agentSilentAfterMs: config.agentSilentAfterMs,
  operationRetention: config.operationRetention,
});
const metricsServer = config.metrics
  ? await startMetricsServer(config.metrics.port, config.metrics.host, () => deps.running.size)
  : null;
log.info(
  {
    // The port bound (METRICS_PORT=0 picks a free one).
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : null,
    dhctlServers: config.dhctlServers,
    managedDhctl: config.managedDhctl
      ? {
          command: config.managedDhctl.command.join(' '),
          idleMs: config.managedDhctl.idleMs,
          defaultVersion: config.managedDhctl.defaultVersion,
        }
      : null,
    dhctlTls: {
      default: dhctlTls.enabled,
      ca: config.dhctlTls.caFile,
      clientCertificate: config.dhctlTls.certFile,
      serverName: config.dhctlTls.serverName,
    },
  },
  'cluster manager started',
);

/** Waits for `promise`, at most `ms` (shutdown never hangs on a database that is gone). */
async function bounded(promise: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn({ step: what, ms }, 'shutdown step timed out; going on');
      resolve();
    }, ms);
  });
  await Promise.race([promise.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    log.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  // The running operation stops at its next phase boundary and is handed back to the queue.
  deps.stopping.value = true;
  stopReconcile();
  log.info(
    { signal, graceMs: config.shutdownGraceMs },
    'stopping: the current operation is handed back after its current phase',
  );
  // No phase boundary within the grace period: hand the operation back now (it resumes from
  // its last stored phase state elsewhere) and exit.
  const grace = setTimeout(() => {
    log.warn('no phase boundary within the shutdown grace period: handing the operation back now');
    void bounded(
      heartbeat.releaseOwnWork(
        `Replica ${config.replicaId} is stopping and its phase did not end within ${config.shutdownGraceMs} ms`,
      ),
      5_000,
      'release own work',
    ).then(() => process.exit(0));
  }, config.shutdownGraceMs);
  try {
    await Promise.all([runner.stop(), webhookRunner.stop()]);
    clearTimeout(grace);
    log.info('runner stopped');
    await bounded(queuePool.end(), 5_000, 'queue pool');
    await bounded(heartbeat.stop(), 5_000, 'replica registration');
    await bounded(deps.close(), 5_000, 'dhctl clients and locks');
    await bounded(db.$disconnect(), 5_000, 'database pool');
    metricsServer?.close();
  } catch (err) {
    log.error({ err }, 'error while stopping');
    process.exit(1);
  }
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
stopWhenSupervisorDies(config.supervisorPid, () => void shutdown('supervisor gone'));
process.on('SIGINT', () => void shutdown('SIGINT'));
await runner.promise;
