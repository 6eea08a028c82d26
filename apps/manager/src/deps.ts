import { randomUUID } from 'node:crypto';

import type { AuditSink, Encryptor, InstanceInfo, Logger, ServiceContext } from '@commander/core';
import type { Db } from '@commander/db';
import {
  createDhctlClient,
  type Dhctl,
  type DhctlTlsMaterial,
  parseDhctlAddress,
} from '@commander/dhctl';

import { ClusterLocks } from './cluster-lock.js';
import {
  ManagedDhctlServers,
  type ManagedDhctlSettings,
  resolveDhctlTarget,
} from './dhctl-servers.js';

/** What the task executors need, injected (tests build their own). */
export type ManagerDeps = {
  db: Db;
  encryptor: Encryptor;
  instance: InstanceInfo;
  log: Logger;
  auditSink: AuditSink;
  /** The replica's name (MANAGER_REPLICA_ID): a label, kept across restarts. */
  replicaId: string;
  /** This process's own random id: liveness and ownership of operations are per instance. */
  instanceId: string;
  locks: ClusterLocks;
  /**
   * The dhctl server for a DKP version (undefined: none reported yet): a static one, or the
   * managed server of the version (started on first need). Rejects with
   * DhctlServerNotFoundError naming the version when nothing serves it.
   */
  dhctlFor: (dkpVersion?: string) => Promise<Dhctl>;
  /** The servers this manager runs itself (DHCTL_SERVER_COMMAND), or null. */
  managedDhctl: ManagedDhctlServers | null;
  /** Operations running on this replica: id → abort controller (cancel, shutdown). */
  running: Map<string, AbortController>;
  /**
   * Set on SIGTERM: running operations stop at their next phase boundary and are handed back
   * to the queue (another replica resumes them from the stored phase state).
   */
  stopping: { value: boolean };
  close: () => Promise<void>;
};

export type CreateDepsInput = {
  db: Db;
  databaseUrl: string;
  encryptor: Encryptor;
  instance: InstanceInfo;
  log: Logger;
  replicaId: string;
  /** Defaults to a random UUID (one per process start). */
  instanceId?: string;
  dhctlServers: Record<string, string>;
  /** dhctl servers started per DKP version from a command template (single-machine mode). */
  managedDhctl?: ManagedDhctlSettings | null;
  /** TLS material of the dhctl link (`loadDhctlTls`); default: plaintext unless `grpcs://`. */
  dhctlTls?: DhctlTlsMaterial | null;
  auditSink?: AuditSink;
};

/**
 * Checks every dhctl server address (throws on one it cannot parse) and warns about each one
 * reached in plaintext over the network: the link carries SSH private keys, rendered
 * configurations and dhctl state.
 */
export function checkDhctlLink(
  servers: Record<string, string>,
  tls: DhctlTlsMaterial | null | undefined,
  log: Logger,
): void {
  for (const [version, address] of Object.entries(servers)) {
    const parsed = parseDhctlAddress(address, tls?.enabled ?? false);
    if (!parsed.tls && !parsed.isLocal) {
      log.warn(
        { dhctlServer: address, version },
        'dhctl server is reached in plaintext over the network: SSH keys and cluster state ' +
          'cross it unencrypted; use grpcs:// (or DHCTL_TLS=true) with DHCTL_TLS_CA_FILE, and ' +
          'DHCTL_TLS_CERT_FILE/DHCTL_TLS_KEY_FILE for mTLS',
      );
    }
  }
}
export function createDeps(input: CreateDepsInput): ManagerDeps {
  checkDhctlLink(input.dhctlServers, input.dhctlTls, input.log);
  const clients = new Map<string, Dhctl>();
  const managed = input.managedDhctl
    ? new ManagedDhctlServers(input.managedDhctl, input.log)
    : null;
  const locks = new ClusterLocks(input.databaseUrl, (err) =>
    input.log.warn({ err }, 'cluster-lock connection lost'),
  );
  return {
    db: input.db,
    encryptor: input.encryptor,
    instance: input.instance,
    log: input.log,
    auditSink: input.auditSink ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`)),
    replicaId: input.replicaId,
    instanceId: input.instanceId ?? randomUUID(),
    locks,
    running: new Map(),
    stopping: { value: false },
    managedDhctl: managed,
    dhctlFor: async (dkpVersion) => {
      const target = resolveDhctlTarget(
        input.dhctlServers,
        dkpVersion,
        input.managedDhctl ? { defaultVersion: input.managedDhctl.defaultVersion } : null,
      );
      if (target.kind === 'managed') {
        return managed!.clientFor(target.version);
      }
      const address = target.address;
      let client = clients.get(address);
      if (!client) {
        client = createDhctlClient(address, { tls: input.dhctlTls ?? null });
        clients.set(address, client);
      }
      return client;
    },
    close: async () => {
      for (const client of clients.values()) {
        client.close();
      }
      clients.clear();
      await managed?.close();
      await locks.close();
    },
  };
}

/** The use-case context of work done by this replica (audited as the system). */
export function systemContext(deps: ManagerDeps): ServiceContext {
  return {
    db: deps.db,
    actor: { type: 'system', id: null, name: `cluster-manager ${deps.replicaId}` },
    workspace: null,
    permissions: new Set(),
    log: deps.log,
    encryptor: deps.encryptor,
    instance: deps.instance,
    auditSink: deps.auditSink,
  };
}
