import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DEFAULT_OPERATION_RETENTION,
  DEFAULT_ROLLOUT_ENGINE_SETTINGS,
  type DeliverySettings,
  type OperationRetention,
  type RolloutEngineSettings,
} from '@commander/core';
import { type DhctlTlsSettings, dhctlTlsSettingsFromEnv } from '@commander/dhctl';
import { z } from 'zod';

import {
  dkpMinorVersion,
  inheritedServerEnvironment,
  type ManagedDhctlSettings,
  parseCommandTemplate,
} from './dhctl-servers.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const EnvSchema = z.object({
  /** Set by `pnpm start`: the process stops when its supervisor is gone. */
  COMMANDER_SUPERVISOR_PID: z.coerce.number().int().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** dhctl server per DKP version, JSON: {"1.69": "host:port", "default": "host:port"}. */
  DHCTL_SERVERS: optional,
  /**
   * Shorthand for DHCTL_SERVERS={"default": "<address>"}. Default 127.0.0.1:9090, unless
   * DHCTL_SERVER_COMMAND is set (then no static default unless given).
   */
  DHCTL_SERVER_ADDRESS: optional,
  /**
   * Single-machine mode: the command that runs a dhctl server for a DKP version, started by
   * the manager on first need (`{version}` = major.minor, `{port}`, `{host}` are filled in).
   */
  DHCTL_SERVER_COMMAND: optional,
  /** A managed server with no call in flight for this long is stopped. */
  DHCTL_SERVER_IDLE_MS: z.coerce.number().int().min(1_000).default(600_000),
  /** A managed server that does not answer GetStatus within this long failed to start. */
  DHCTL_SERVER_START_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** The version started for clusters that reported none (with DHCTL_SERVER_COMMAND). */
  DHCTL_SERVER_DEFAULT_VERSION: optional,
  // DHCTL_TLS, DHCTL_TLS_CA_FILE, DHCTL_TLS_CERT_FILE, DHCTL_TLS_KEY_FILE,
  // DHCTL_TLS_SERVER_NAME: read by dhctlTlsSettingsFromEnv (@commander/dhctl).
  MANAGER_REPLICA_ID: optional,
  /** How often a replica reports it is alive and checks for dead ones. */
  MANAGER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
  /** A replica silent this long is declared dead and its operation taken over. */
  MANAGER_DEAD_AFTER_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * On SIGTERM the running operation is handed back at its next phase boundary; after this
   * long it is handed back at once (resuming from its last stored phase) and the process exits.
   */
  MANAGER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(20_000),
  /** How often the reconcile scheduler looks for clusters due a check. */
  MANAGER_RECONCILE_EVERY_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** An agent silent this long is marked lost (default: 4 telemetry intervals). */
  MANAGER_AGENT_SILENT_AFTER_MS: z.coerce.number().int().min(1_000).default(120_000),
  COMMANDER_PUBLIC_URL: z.url().default('http://localhost:8080'),
  COMMANDER_CA_BUNDLE: z.string().default(''),
  ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: optional,
  ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS: optional,
  ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: optional,
  ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: optional,
  COMMANDER_KEY_FILE: z.string().default(path.join(REPO_ROOT, '.data/encryption-keys.json')),
  /** Port of /metrics and /healthz (Prometheus, Kubernetes probes); unset: not served. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('0.0.0.0'),
  /** commander-agent image installed into clusters; unset: only its namespace and credentials. */
  COMMANDER_AGENT_IMAGE: optional,
  /** Webhooks may reach private, loopback and link-local addresses (the SSRF guard is off). */
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false', '']).default('false'),
  /** Webhook deliveries sent at once by one replica (beside its one operation). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(0).default(30_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(6 * 3600_000),
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(50),
  /**
   * Operation retention (with their log lines): succeeded checks that found the cluster in sync
   * are kept this many hours; other finished checks and other finished operations this many
   * days. 0 keeps that class forever. Each cluster's latest operation of each kind and anything
   * still referenced is always kept (packages/core/src/operations/retention.ts).
   */
  OPERATION_RETENTION_IN_SYNC_CHECKS_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 36_500)
    .default(DEFAULT_OPERATION_RETENTION.inSyncChecksMs / 3600_000),
  OPERATION_RETENTION_CHECKS_DAYS: z.coerce
    .number()
    .min(0)
    .max(36_500)
    .default(DEFAULT_OPERATION_RETENTION.checksMs / 86_400_000),
  OPERATION_RETENTION_DAYS: z.coerce
    .number()
    .min(0)
    .max(36_500)
    .default(DEFAULT_OPERATION_RETENTION.othersMs / 86_400_000),
  /** Operations deleted per statement (one short transaction each; their log lines go with them). */
  OPERATION_RETENTION_BATCH: z.coerce
    .number()
    .int()
    .min(1)
    .max(50_000)
    .default(DEFAULT_OPERATION_RETENTION.batchSize),
  /** How often a running staged rollout is stepped (judged, advanced). */
  ROLLOUT_TICK_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});

export type ManagerConfig = {
  supervisorPid: number | undefined;
  databaseUrl: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  dhctlServers: Record<string, string>;
  /** dhctl servers started per DKP version (DHCTL_SERVER_COMMAND), or null. */
  managedDhctl: ManagedDhctlSettings | null;
  /** TLS of the link to the dhctl servers (files are read by `loadDhctlTls` at start-up). */
  dhctlTls: DhctlTlsSettings;
  replicaId: string;
  heartbeatMs: number;
  deadAfterMs: number;
  shutdownGraceMs: number;
  reconcileEveryMs: number;
  agentSilentAfterMs: number;
  operationRetention: OperationRetention;
  publicUrl: string;
  caBundle: string;
  metrics: { port: number; host: string } | null;
  agentImage: string | null;
  webhooks: DeliverySettings & { concurrency: number };
  rollouts: RolloutEngineSettings;
  encryption: {
    primaryKey: string | undefined;
    previousPrimaryKeys: string[];
    deterministicKey: string | undefined;
    keyDerivationSalt: string | undefined;
    keyFile: string;
  };
};

const ServersSchema = z.record(z.string(), z.string().min(1));

/** Parses the environment once; the only reader of process.env in the manager. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ManagerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  let servers: Record<string, string> = {};
  if (e.DHCTL_SERVER_ADDRESS || !e.DHCTL_SERVER_COMMAND) {
    servers.default = e.DHCTL_SERVER_ADDRESS ?? '127.0.0.1:9090';
  }
  if (e.DHCTL_SERVERS) {
    const json: unknown = JSON.parse(e.DHCTL_SERVERS);
    servers = ServersSchema.parse(json);
  }
  let managedDhctl: ManagedDhctlSettings | null = null;
  if (e.DHCTL_SERVER_COMMAND) {
    const defaultVersion = e.DHCTL_SERVER_DEFAULT_VERSION
      ? dkpMinorVersion(e.DHCTL_SERVER_DEFAULT_VERSION)
      : null;
    if (e.DHCTL_SERVER_DEFAULT_VERSION && !defaultVersion) {
      throw new Error(
        `Invalid configuration: DHCTL_SERVER_DEFAULT_VERSION ${JSON.stringify(e.DHCTL_SERVER_DEFAULT_VERSION)} is not a DKP version (e.g. 1.69)`,
      );
    }
    managedDhctl = {
      command: parseCommandTemplate(e.DHCTL_SERVER_COMMAND),
      idleMs: e.DHCTL_SERVER_IDLE_MS,
      startTimeoutMs: e.DHCTL_SERVER_START_TIMEOUT_MS,
      defaultVersion,
      env: inheritedServerEnvironment(env),
    };
  }
  return {
    supervisorPid: e.COMMANDER_SUPERVISOR_PID,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    dhctlServers: servers,
    managedDhctl,
    dhctlTls: dhctlTlsSettingsFromEnv(env),
    replicaId: e.MANAGER_REPLICA_ID ?? `${hostname()}-${process.pid}`,
    heartbeatMs: e.MANAGER_HEARTBEAT_MS,
    deadAfterMs: e.MANAGER_DEAD_AFTER_MS,
    shutdownGraceMs: e.MANAGER_SHUTDOWN_GRACE_MS,
    reconcileEveryMs: e.MANAGER_RECONCILE_EVERY_MS,
    agentSilentAfterMs: e.MANAGER_AGENT_SILENT_AFTER_MS,
    operationRetention: {
      ...DEFAULT_OPERATION_RETENTION,
      inSyncChecksMs: Math.round(e.OPERATION_RETENTION_IN_SYNC_CHECKS_HOURS * 3600_000),
      checksMs: Math.round(e.OPERATION_RETENTION_CHECKS_DAYS * 86_400_000),
      othersMs: Math.round(e.OPERATION_RETENTION_DAYS * 86_400_000),
      batchSize: e.OPERATION_RETENTION_BATCH,
    },
    publicUrl: e.COMMANDER_PUBLIC_URL,
    caBundle: e.COMMANDER_CA_BUNDLE,
    agentImage: e.COMMANDER_AGENT_IMAGE ?? null,
    webhooks: {
      allowPrivateTargets: e.WEBHOOKS_ALLOW_PRIVATE_TARGETS === 'true',
      concurrency: e.WEBHOOK_CONCURRENCY,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
    },
    rollouts: { ...DEFAULT_ROLLOUT_ENGINE_SETTINGS, tickMs: e.ROLLOUT_TICK_MS },
    metrics: e.METRICS_PORT === undefined ? null : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    encryption: {
      primaryKey: e.ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY,
      previousPrimaryKeys: (e.ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      deterministicKey: e.ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY,
      keyDerivationSalt: e.ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT,
      keyFile: e.COMMANDER_KEY_FILE,
    },
  };
}
