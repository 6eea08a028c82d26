// Starts the simulated dhctl server: gRPC (dhctl.DHCTL, dhctl.Validation, dhctl.Status,
// grpc.health.v1.Health) plus the HTTP control API, over one set of virtual clusters.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { DHCTL_SERVICE_NAMES, dhctlServiceDefinitions } from '@commander/dhctl';
import * as grpc from '@grpc/grpc-js';

import { AgentFleet } from './agents/agent-fleet.js';
import { ClusterStore } from './cluster-store.js';
import { controlApiHandler } from './control-api.js';
import { countedUnary, dhctlHandlers, statusHandlers } from './dhctl-service.js';
import { FaultRegistry } from './faults.js';
import { addHealthService } from './health.js';
import { KubeClusters } from './kube-clusters.js';
import type { PhaseHook, SimDeps } from './operation-run.js';
import { RequestStats, TaskLimiter } from './request-stats.js';
import { validationHandlers } from './validation.js';

/** Options of {@link startDhctlSim}; every field has a test-friendly default. */
export type DhctlSimOptions = {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** gRPC port; 0 (default) picks a free one. */
  grpcPort?: number;
  /** HTTP control API port; 0 (default) picks a free one, `null` disables the API. */
  httpPort?: number | null;
  /** Simulated duration of a phase, in ms. Default 0. */
  phaseDelayMs?: number;
  /** JSON file keeping virtual clusters across restarts. Default: none (memory only). */
  stateFile?: string | null;
  /** Version label for logs and /healthz. Default "dhctl-sim". */
  version?: string;
  /** Concurrent DHCTL operations before ResourceExhausted. Default 64. */
  parallelTasksLimit?: number;
  /** Diagnostic log sink. Default: nothing. */
  log?: (message: string) => void;
  /** Test hook awaited before each phase starts (hold an operation mid-way). */
  beforePhase?: PhaseHook;
  /** Run simulated commander-agents (DHCTL_SIM_AGENTS). Default true. */
  agents?: boolean;
  /** Simulated agents open the connector tunnel, served by each cluster's kube-sim (default on). */
  tunnels?: boolean;
  /** Agents' resource poll interval in ms (DHCTL_SIM_AGENT_POLL_MS). Default 10000. */
  agentPollMs?: number;
  /** Agents' telemetry interval in ms (DHCTL_SIM_TELEMETRY_MS). Default 15000. */
  agentTelemetryMs?: number;
  /**
   * Replaces the origin of the agents' Commander URL (DHCTL_SIM_COMMANDER_URL), e.g.
   * `http://api:8080` when the template's domain does not resolve here. Default: none.
   */
  commanderUrl?: string | null;
  /** Agent API requests in flight at most, across all agents. Default 128. */
  agentConcurrency?: number;
  /**
   * The agents' random source (jitter, simulated telemetry: a component goes down now and then,
   * its alert sometimes critical). Tests that judge alerts pass a constant. Default Math.random.
   */
  agentRandom?: () => number;
  /**
   * Serve gRPC over TLS with this certificate and key (PEM); with `clientCa`, clients must
   * present a certificate it signed (mTLS). Default: plaintext.
   */
  tls?: SimTls | null;
  /**
   * Echo the configuration of each operation (SSH keys, passwords included) into its log, as
   * a debugging aid (DHCTL_SIM_DEBUG_CONFIG_LOGS). Default false.
   */
  debugConfigLogs?: boolean;
};

/** TLS material of the simulator's gRPC server (PEM). */
export type SimTls = { cert: Buffer; key: Buffer; clientCa: Buffer | null };

/** A running simulator. */
export type DhctlSim = {
  /** `host:port` (plaintext) or `grpcs://host:port` (TLS) for `createDhctlClient`. */
  grpcAddress: string;
  /** Base URL of the control API (`http://host:port`), or `null` when disabled. */
  httpUrl: string | null;
  /** The virtual clusters (inspection, and events for future simulated agents). */
  clusters: ClusterStore;
  /** Registered faults. */
  faults: FaultRegistry;
  /** The simulated commander-agents, or `null` when disabled. */
  agents: AgentFleet | null;
  /** Each virtual cluster's simulated Kubernetes API (also served at `/kube/<uuid>/...`). */
  kube: KubeClusters;
  /** Stops both servers (in-flight streams are cut) and flushes the state file. */
  stop(): Promise<void>;
};

function serverCredentials(tls: SimTls | null): grpc.ServerCredentials {
  if (!tls) {
    return grpc.ServerCredentials.createInsecure();
  }
  return grpc.ServerCredentials.createSsl(
    tls.clientCa,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.clientCa !== null,
  );
}

function bindGrpc(
  server: grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error) {
        reject(error);
      } else {
        resolve(port);
      }
    });
  });
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a simulator. Ports default to 0 (random), so parallel tests never collide.
 *
 * @throws when a port cannot be bound or the state file is unreadable.
 */
export async function startDhctlSim(options: DhctlSimOptions = {}): Promise<DhctlSim> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const clusters = new ClusterStore(options.stateFile ?? null, log);
  await clusters.load();
  const faults = new FaultRegistry();
  const version = options.version ?? 'dhctl-sim';
  const deps: SimDeps = {
    clusters,
    faults,
    phaseDelayMs: options.phaseDelayMs ?? 0,
    version,
    log,
    beforePhase: options.beforePhase,
    debugConfigLogs: options.debugConfigLogs ?? false,
  };
  const stats = new RequestStats();
  const limiter = new TaskLimiter(options.parallelTasksLimit ?? 64);
  const definitions = dhctlServiceDefinitions();

  const server = new grpc.Server();
  server.addService(definitions.dhctl, dhctlHandlers(deps, stats, limiter));
  server.addService(
    definitions.validation,
    countedUnary(DHCTL_SERVICE_NAMES.validation, validationHandlers(), stats),
  );
  server.addService(
    definitions.status,
    countedUnary(DHCTL_SERVICE_NAMES.status, statusHandlers(stats), stats),
  );
  addHealthService(server, Object.values(DHCTL_SERVICE_NAMES));
  const tls = options.tls ?? null;
  const grpcPort = await bindGrpc(
    server,
    `${formatHost(host)}:${options.grpcPort ?? 0}`,
    serverCredentials(tls),
  );

  const agents =
    options.agents === false
      ? null
      : new AgentFleet({
          clusters,
          pollMs: options.agentPollMs ?? 10_000,
          telemetryMs: options.agentTelemetryMs ?? 15_000,
          commanderUrlOverride: options.commanderUrl ?? null,
          maxConcurrent: options.agentConcurrency ?? 128,
          ...(options.agentRandom ? { random: options.agentRandom } : {}),
          log: deps.log,
        });

  const kube = new KubeClusters(clusters);
  let httpServer: http.Server | null = null;
  let httpUrl: string | null = null;
  if (options.httpPort !== null) {
    const control = controlApiHandler({ clusters, faults, version, agents });
    const created = http.createServer((request, response) => {
      if (!kube.handle(request, response)) control(request, response);
    });
    created.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) => {
      kube.handleUpgrade(request, socket, head);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(options.httpPort ?? 0, host, () => {
          created.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      server.forceShutdown();
      await agents?.stop();
      throw error;
    }
    httpServer = created;
    httpUrl = `http://${formatHost(host)}:${(created.address() as AddressInfo).port}`;
  }

  if (agents && httpUrl && options.tunnels !== false) {
    const kubeBase = httpUrl;
    agents.enableTunnels((uuid) => `${kubeBase}/kube/${uuid}`);
  }
  agents?.start();

  let stopped: Promise<void> | null = null;
  return {
    grpcAddress: `${tls ? 'grpcs://' : ''}${formatHost(host)}:${grpcPort}`,
    httpUrl,
    clusters,
    faults,
    agents,
    kube,
    stop() {
      stopped ??= (async () => {
        server.forceShutdown();
        kube.close();
        await agents?.stop();
        if (httpServer) {
          httpServer.closeAllConnections();
          await new Promise<void>((resolve) => httpServer?.close(() => resolve()));
        }
        await clusters.flush();
      })();
      return stopped;
    },
  };
}
