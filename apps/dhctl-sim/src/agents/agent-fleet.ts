// Simulated commander-agents: one per ready virtual cluster that has agent credentials. Each
// talks to the real agent API over HTTP (shared keep-alive pools), "applies" its resources into
// the virtual cluster and reports simulated telemetry. All agents share one scheduler.
import http from 'node:http';
import https from 'node:https';

import {
  AgentApiClient,
  backoffDelay,
  type DesiredResource,
  desiredResources,
  jittered,
} from '@commander/agent-client';
import type { ResourceResult } from '@commander/contracts';
import { TunnelAgent } from '@commander/tunnel';

import { commanderUrlOf, type VirtualCluster } from '../cluster-model.js';
import type { ClusterChange, ClusterStore } from '../cluster-store.js';
import { type SchedulerStats, TaskScheduler } from './scheduler.js';
import { initialTelemetryState, nextTelemetry, type TelemetryState } from './telemetry-model.js';
import { credentialsOf, syncVirtualResources } from './virtual-sync.js';

/** Options of {@link AgentFleet}. */
export type AgentFleetOptions = {
  clusters: ClusterStore;
  /** Resource poll interval (ms, jittered ±10 %). */
  pollMs: number;
  /** Telemetry interval (ms, jittered ±10 %). */
  telemetryMs: number;
  /** Replaces the origin of every agent's Commander URL (DHCTL_SIM_COMMANDER_URL), or `null`. */
  commanderUrlOverride: string | null;
  log: (message: string) => void;
  /** Agent API requests in flight at most (and sockets per pool). Default 128. */
  maxConcurrent?: number;
  /** Unchanged results are re-reported at least this often. Default 300000. */
  statusRefreshMs?: number;
  /** Agent API request timeout. Default 10000. */
  requestTimeoutMs?: number;
  /** Retry delay cap after failures. Default 60000. */
  backoffMaxMs?: number;
  random?: () => number;
};

/** An injected apply error: applying `kind/name` fails with `message` until cleared. */
export type ResourceError = { kind: string; name: string; message: string };

/** An alert an agent adds to every telemetry report until cleared (its Prometheus firing it). */
export type InjectedAlert = {
  name: string;
  severity: 'critical' | 'warning' | 'info';
  message: string;
};

/** What is injected into one cluster's agent: silenced (it sends nothing), extra alerts. */
export type AgentInjection = { silent: boolean; alerts: InjectedAlert[] };

/** One agent as the control API shows it. */
export type AgentSnapshot = {
  cluster_uuid: string;
  commander_url: string;
  last_sync: {
    at: string;
    mode: 'full' | 'check';
    version: string;
    applied: number;
    errors: number;
    reapplied: number;
    reported: boolean;
  } | null;
  last_telemetry: {
    at: string;
    node_count: number;
    cpu_cores: number;
    memory_bytes: number;
    components_down: string[];
  } | null;
  last_error: { at: string; loop: 'sync' | 'telemetry'; message: string } | null;
  sync_failures: number;
  telemetry_failures: number;
  syncs: number;
  telemetry_sent: number;
  /** Resources whose last apply failed. */
  failing_resources: { kind: string; namespace: string | null; name: string; message: string }[];
  resource_errors: ResourceError[];
  /** Runs of its sync and telemetry loops that sent nothing because it was silenced. */
  silenced_runs: { sync: number; telemetry: number };
};

/** Fleet-wide counters. */
export type FleetStats = {
  agents: number;
  syncs: number;
  telemetry_sent: number;
  failures: number;
  scheduler: SchedulerStats;
};

type SimAgent = {
  uuid: string;
  /** The tunnel to Commander's connector, serving the cluster's simulated Kubernetes API. */
  tunnel: TunnelAgent | null;
  credentialsKey: string;
  commanderUrl: string;
  client: AgentApiClient;
  etag: string | null;
  version: string | null;
  desired: DesiredResource[];
  failedKeys: Set<string>;
  failing: ResourceResult[];
  pendingRemovals: ResourceResult[];
  lastReport: { version: string; fingerprint: string; at: number } | null;
  syncFailures: number;
  telemetryFailures: number;
  telemetry: TelemetryState;
  lastSync: AgentSnapshot['last_sync'];
  lastTelemetry: AgentSnapshot['last_telemetry'];
  lastError: AgentSnapshot['last_error'];
  syncs: number;
  telemetrySent: number;
  silencedRuns: { sync: number; telemetry: number };
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The simulated agents of a simulator. Call `start()` once; `stop()` on shutdown. */
export class AgentFleet {
  readonly #options: Required<Omit<AgentFleetOptions, 'commanderUrlOverride'>> & {
    commanderUrlOverride: string | null;
  };
  readonly #agents = new Map<string, SimAgent>();
  readonly #resourceErrors = new Map<string, Map<string, string>>();
  readonly #injections = new Map<string, AgentInjection>();
  readonly #scheduler: TaskScheduler;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  #unsubscribe: (() => void) | null = null;
  #isStopped = false;
  /** Where each agent's tunnel sends Kubernetes requests (kube-sim's URL), when tunnels are on. */
  #tunnelTarget: ((uuid: string) => string) | null = null;
  readonly #totals = { syncs: 0, telemetry: 0, failures: 0 };
  /** Agents started in the current one-second window (to spread their first runs). */
  #burst = { since: 0, count: 0 };

  constructor(options: AgentFleetOptions) {
    this.#options = {
      maxConcurrent: 128,
      statusRefreshMs: 300_000,
      requestTimeoutMs: 10_000,
      backoffMaxMs: 60_000,
      random: Math.random,
      ...options,
    };
    this.#scheduler = new TaskScheduler({ maxConcurrent: this.#options.maxConcurrent });
    const pool = { keepAlive: true, maxSockets: this.#options.maxConcurrent, maxFreeSockets: 32 };
    this.#httpAgent = new http.Agent(pool);
    this.#httpsAgent = new https.Agent(pool);
  }

  /** Subscribes to the cluster store and starts agents for the clusters that qualify. */
  /**
   * Every agent also opens the tunnel to Commander's connector, as the real agent does, and
   * serves what comes down it from `targetFor(uuid)` (the cluster's kube-sim). Before start().
   */
  enableTunnels(targetFor: (uuid: string) => string): void {
    this.#tunnelTarget = targetFor;
  }

  #openTunnel(uuid: string, commanderUrl: string, token: string): TunnelAgent | null {
    if (!this.#tunnelTarget) {
      return null;
    }
    const base = new URL(`${commanderUrl.replace(/\/+$/, '')}/tunnel`);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    const tunnel = new TunnelAgent({
      url: base.toString(),
      key: token,
      target: { baseUrl: this.#tunnelTarget(uuid) },
      minBackoffMs: 1_000,
      maxBackoffMs: 60_000,
    });
    tunnel.start();
    return tunnel;
  }

  start(): void {
    this.#unsubscribe = this.#options.clusters.onChange((change) => this.#onChange(change));
    for (const cluster of this.#options.clusters.list()) {
      this.#reconcile(cluster);
    }
  }

  /** Stops every agent and waits for requests in flight. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#unsubscribe?.();
    await this.#scheduler.stop();
    for (const agent of this.#agents.values()) {
      agent.tunnel?.stop();
    }
    this.#agents.clear();
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  /** The agent of a cluster, or `null` when it has none. */
  snapshot(uuid: string): AgentSnapshot | null {
    const agent = this.#agents.get(uuid);
    return agent ? this.#snapshotOf(agent) : null;
  }

  /** Every agent, in cluster creation order. */
  list(): AgentSnapshot[] {
    return [...this.#agents.values()].map((agent) => this.#snapshotOf(agent));
  }

  stats(): FleetStats {
    return {
      agents: this.#agents.size,
      syncs: this.#totals.syncs,
      telemetry_sent: this.#totals.telemetry,
      failures: this.#totals.failures,
      scheduler: this.#scheduler.stats(),
    };
  }

  /** Makes applies of `kind/name` in a cluster fail with `message` (replacing an earlier one). */
  setResourceError(uuid: string, error: ResourceError): void {
    const errors = this.#resourceErrors.get(uuid) ?? new Map<string, string>();
    errors.set(`${error.kind}/${error.name}`, error.message);
    this.#resourceErrors.set(uuid, errors);
  }

  /** Clears injected errors of a cluster (one when kind and name are given); returns how many. */
  clearResourceErrors(uuid: string, only?: { kind: string; name: string }): number {
    const errors = this.#resourceErrors.get(uuid);
    if (!errors) {
      return 0;
    }
    if (only) {
      return errors.delete(`${only.kind}/${only.name}`) ? 1 : 0;
    }
    this.#resourceErrors.delete(uuid);
    return errors.size;
  }

  /**
   * Silences a cluster's agent (it keeps its schedule but sends no request, as an agent whose
   * pod is down: Commander marks it lost once silent long enough) and/or sets the alerts its
   * telemetry adds to the simulated ones. Replaces what was given; returns the injection.
   */
  setInjection(uuid: string, change: Partial<AgentInjection>): AgentInjection {
    const current = this.injection(uuid);
    const next: AgentInjection = {
      silent: change.silent ?? current.silent,
      alerts: change.alerts ?? current.alerts,
    };
    if (!next.silent && next.alerts.length === 0) {
      this.#injections.delete(uuid);
    } else {
      this.#injections.set(uuid, next);
    }
    return next;
  }

  /** What is injected into a cluster's agent (nothing: not silent, no alerts). */
  injection(uuid: string): AgentInjection {
    const found = this.#injections.get(uuid);
    return found
      ? { silent: found.silent, alerts: [...found.alerts] }
      : { silent: false, alerts: [] };
  }

  #isSilent(agent: SimAgent): boolean {
    return this.#injections.get(agent.uuid)?.silent === true;
  }

  /** Injected errors of a cluster. */
  resourceErrors(uuid: string): ResourceError[] {
    return [...(this.#resourceErrors.get(uuid) ?? new Map<string, string>())].map(([key, text]) => {
      const slash = key.indexOf('/');
      return { kind: key.slice(0, slash), name: key.slice(slash + 1), message: text };
    });
  }

  #onChange(change: ClusterChange): void {
    if (change.type === 'removed') {
      this.#remove(change.cluster.uuid);
      this.#resourceErrors.delete(change.cluster.uuid);
      this.#injections.delete(change.cluster.uuid);
      return;
    }
    this.#reconcile(change.cluster);
  }

  /** Starts, updates or stops the agent of a cluster to match its state. */
  #reconcile(cluster: VirtualCluster): void {
    if (this.#isStopped) {
      return;
    }
    const credentials =
      cluster.status === 'ready'
        ? credentialsOf(cluster.resources, cluster.commanderUrl, this.#options.commanderUrlOverride)
        : null;
    const existing = this.#agents.get(cluster.uuid);
    if (!credentials) {
      if (existing) {
        this.#remove(cluster.uuid);
      }
      return;
    }
    const key = `${credentials.commanderUrl}\n${credentials.token}`;
    if (existing) {
      if (existing.credentialsKey !== key) {
        // Rotated key or a new URL: the next request uses them.
        existing.credentialsKey = key;
        existing.commanderUrl = credentials.commanderUrl;
        existing.client = this.#client(credentials.commanderUrl, credentials.token);
        existing.tunnel?.stop();
        existing.tunnel = this.#openTunnel(
          cluster.uuid,
          credentials.commanderUrl,
          credentials.token,
        );
      }
      return;
    }
    let client: AgentApiClient;
    try {
      client = this.#client(credentials.commanderUrl, credentials.token);
    } catch (error) {
      this.#options.log(`agent ${cluster.uuid}: unusable Commander URL: ${message(error)}`);
      return;
    }
    const agent: SimAgent = {
      uuid: cluster.uuid,
      tunnel: this.#openTunnel(cluster.uuid, credentials.commanderUrl, credentials.token),
      credentialsKey: key,
      commanderUrl: credentials.commanderUrl,
      client,
      etag: null,
      version: null,
      desired: [],
      failedKeys: new Set(),
      failing: [],
      pendingRemovals: [],
      lastReport: null,
      syncFailures: 0,
      telemetryFailures: 0,
      telemetry: initialTelemetryState(this.#options.random),
      lastSync: null,
      lastTelemetry: null,
      lastError: null,
      syncs: 0,
      telemetrySent: 0,
      silencedRuns: { sync: 0, telemetry: 0 },
    };
    this.#agents.set(cluster.uuid, agent);
    this.#options.log(`agent ${cluster.uuid}: started (${credentials.commanderUrl})`);
    // A lone new agent starts at once; many starting together (a state file loaded, a batch
    // of bootstraps) are spread over up to one interval so that they do not poll in lockstep.
    const now = Date.now();
    if (now - this.#burst.since > 1000) {
      this.#burst = { since: now, count: 0 };
    }
    this.#burst.count += 1;
    const spreadMs = 100 + this.#burst.count * 10;
    const random = this.#options.random;
    this.#scheduleSync(agent, now + random() * Math.min(this.#options.pollMs, spreadMs));
    this.#scheduleTelemetry(
      agent,
      now + random() * Math.min(this.#options.telemetryMs, spreadMs + 500),
    );
  }

  #client(baseUrl: string, token: string): AgentApiClient {
    return new AgentApiClient({
      baseUrl,
      token,
      agent: baseUrl.startsWith('https:') ? this.#httpsAgent : this.#httpAgent,
      timeoutMs: this.#options.requestTimeoutMs,
      userAgent: 'commander-agent (dhctl-sim)',
    });
  }

  #remove(uuid: string): void {
    this.#agents.get(uuid)?.tunnel?.stop();
    if (this.#agents.delete(uuid)) {
      this.#scheduler.cancel(`${uuid}:sync`);
      this.#scheduler.cancel(`${uuid}:telemetry`);
      this.#options.log(`agent ${uuid}: stopped`);
    }
  }

  #scheduleSync(agent: SimAgent, at: number): void {
    this.#scheduler.schedule(`${agent.uuid}:sync`, at, () => this.#sync(agent));
  }

  #scheduleTelemetry(agent: SimAgent, at: number): void {
    this.#scheduler.schedule(`${agent.uuid}:telemetry`, at, () => this.#sendTelemetry(agent));
  }

  #isCurrent(agent: SimAgent): boolean {
    return !this.#isStopped && this.#agents.get(agent.uuid) === agent;
  }

  #backoff(failures: number): number {
    return backoffDelay(
      failures,
      { baseMs: Math.min(1000, this.#options.pollMs), maxMs: this.#options.backoffMaxMs },
      this.#options.random,
    );
  }

  async #sync(agent: SimAgent): Promise<void> {
    let delay: number;
    try {
      if (this.#isSilent(agent)) {
        agent.silencedRuns.sync += 1;
      } else {
        await this.#syncPass(agent);
      }
      agent.syncFailures = 0;
      delay = jittered(this.#options.pollMs, 0.1, this.#options.random);
    } catch (error) {
      agent.syncFailures += 1;
      this.#totals.failures += 1;
      agent.lastError = { at: new Date().toISOString(), loop: 'sync', message: message(error) };
      delay = this.#backoff(agent.syncFailures);
    }
    if (this.#isCurrent(agent)) {
      this.#scheduleSync(agent, Date.now() + delay);
    }
  }

  async #syncPass(agent: SimAgent): Promise<void> {
    const fetched = await agent.client.getResources(agent.etag);
    if (!this.#isCurrent(agent)) {
      return;
    }
    let mode: 'full' | 'check' = 'check';
    if (fetched.status === 'ok') {
      mode = 'full';
      agent.etag = fetched.etag;
      agent.version = fetched.resources.version;
      agent.desired = desiredResources(fetched.resources.groups);
    } else if (agent.version === null) {
      agent.etag = null;
      throw new Error('agent API answered 304 to a request without If-None-Match');
    }
    const version = agent.version ?? '';
    const store = this.#options.clusters;
    // Read and write the cluster in one synchronous step: operations running meanwhile
    // (converge, detach) see either the state before or after the pass.
    const outcome = store.peek(agent.uuid, (cluster) =>
      syncVirtualResources({
        resources: cluster.resources,
        desired: agent.desired,
        mode,
        failedKeys: agent.failedKeys,
        injectedErrors: this.#resourceErrors.get(agent.uuid) ?? new Map<string, string>(),
      }),
    );
    if (!outcome) {
      return;
    }
    const resources = outcome.resources;
    if (resources) {
      store.update(agent.uuid, (cluster) => {
        cluster.resources = resources;
        cluster.commanderUrl = commanderUrlOf(resources) ?? cluster.commanderUrl;
      });
    }
    agent.failedKeys = outcome.failedKeys;
    agent.failing = outcome.results.filter((result) => result.status === 'error');
    agent.pendingRemovals.push(...outcome.removals);
    const reported = await this.#report(agent, version, outcome.results);
    agent.syncs += 1;
    this.#totals.syncs += 1;
    agent.lastSync = {
      at: new Date().toISOString(),
      mode,
      version,
      applied: outcome.results.length - agent.failing.length,
      errors: agent.failing.length,
      reapplied: outcome.reapplied,
      reported,
    };
  }

  async #report(agent: SimAgent, version: string, results: ResourceResult[]): Promise<boolean> {
    const now = Date.now();
    const fingerprint = JSON.stringify(results);
    const last = agent.lastReport;
    const isDue =
      agent.pendingRemovals.length > 0 ||
      !last ||
      last.version !== version ||
      last.fingerprint !== fingerprint ||
      now - last.at >= this.#options.statusRefreshMs;
    if (!isDue) {
      return false;
    }
    const removals = [...agent.pendingRemovals];
    await agent.client.reportStatus({
      version,
      results: [...results, ...removals].slice(0, 10_000),
    });
    agent.pendingRemovals = agent.pendingRemovals.slice(removals.length);
    agent.lastReport = { version, fingerprint, at: now };
    return true;
  }

  async #sendTelemetry(agent: SimAgent): Promise<void> {
    if (this.#isSilent(agent)) {
      agent.silencedRuns.telemetry += 1;
      if (this.#isCurrent(agent)) {
        const delay = jittered(this.#options.telemetryMs, 0.1, this.#options.random);
        this.#scheduleTelemetry(agent, Date.now() + delay);
      }
      return;
    }
    let delay: number;
    try {
      const body = this.#options.clusters.peek(agent.uuid, (cluster) =>
        nextTelemetry(cluster, agent.telemetry, this.#options.random),
      );
      if (!body) {
        return;
      }
      const injected = this.#injections.get(agent.uuid)?.alerts ?? [];
      if (injected.length > 0) {
        body.alerts = [...(body.alerts ?? []), ...injected];
      }
      await agent.client.sendTelemetry(body);
      agent.telemetryFailures = 0;
      agent.telemetrySent += 1;
      this.#totals.telemetry += 1;
      agent.lastTelemetry = {
        at: body.ts ?? new Date().toISOString(),
        node_count: body.node_count,
        cpu_cores: body.cpu_cores,
        memory_bytes: body.memory_bytes,
        components_down: (body.components ?? [])
          .filter((component) => component.availability < 0.9)
          .map((component) => component.name),
      };
      delay = jittered(this.#options.telemetryMs, 0.1, this.#options.random);
    } catch (error) {
      agent.telemetryFailures += 1;
      this.#totals.failures += 1;
      agent.lastError = {
        at: new Date().toISOString(),
        loop: 'telemetry',
        message: message(error),
      };
      delay = this.#backoff(agent.telemetryFailures);
    }
    if (this.#isCurrent(agent)) {
      this.#scheduleTelemetry(agent, Date.now() + delay);
    }
  }

  #snapshotOf(agent: SimAgent): AgentSnapshot {
    return {
      cluster_uuid: agent.uuid,
      commander_url: agent.commanderUrl,
      last_sync: agent.lastSync,
      last_telemetry: agent.lastTelemetry,
      last_error: agent.lastError,
      sync_failures: agent.syncFailures,
      telemetry_failures: agent.telemetryFailures,
      syncs: agent.syncs,
      telemetry_sent: agent.telemetrySent,
      failing_resources: agent.failing.map((result) => ({
        kind: result.kind,
        namespace: result.namespace ?? null,
        name: result.name,
        message: result.message ?? '',
      })),
      resource_errors: this.resourceErrors(agent.uuid),
      silenced_runs: { ...agent.silencedRuns },
    };
  }
}
