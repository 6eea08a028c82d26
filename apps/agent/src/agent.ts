// The agent's two loops: resource sync every poll interval and telemetry every telemetry
// interval (the server's values unless overridden), each backing off on failures.
import { AgentApiClient, AgentApiError, backoffDelay, jittered } from '@commander/agent-client';

import type { CredentialsSource } from './credentials.js';
import type { KubeClient } from './kube-client.js';
import type { Logger } from './logger.js';
import { ResourceSync, type SyncPassOutcome } from './resource-sync.js';
import type { StateStore } from './state-store.js';
import { collectTelemetry } from './telemetry.js';

/** Dependencies and settings of {@link startAgent}. */
export type AgentOptions = {
  kube: KubeClient;
  credentials: CredentialsSource;
  state: StateStore;
  log: Logger;
  /** Overrides of the server's intervals (ms); `null` = follow the server. */
  pollIntervalMs: number | null;
  telemetryIntervalMs: number | null;
  /** Unchanged results are re-reported at least this often. Default 300000. */
  statusRefreshMs?: number;
  /** Agent API request timeout. Default 15000. */
  requestTimeoutMs?: number;
  /** First retry after ~`backoffBaseMs` (default 1000), doubling up to `backoffMaxMs` (default 300000). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
};

/** What the agent last did (for logs, tests and a future health endpoint). */
export type AgentStatus = {
  lastSync: { at: Date; outcome: SyncPassOutcome } | null;
  lastTelemetryAt: Date | null;
  lastError: { at: Date; loop: 'sync' | 'telemetry'; message: string } | null;
  syncFailures: number;
  telemetryFailures: number;
};

/** A running agent. */
export type RunningAgent = {
  status(): AgentStatus;
  /** Stops both loops and waits for the passes in flight. */
  stop(): Promise<void>;
};

/** Starts the sync and telemetry loops; the first pass of each starts at once. */
export function startAgent(options: AgentOptions): RunningAgent {
  const { log } = options;
  const backoff = { baseMs: options.backoffBaseMs ?? 1000, maxMs: options.backoffMaxMs ?? 300_000 };
  let client: { key: string; client: AgentApiClient } | null = null;

  const api = async (): Promise<AgentApiClient> => {
    const credentials = await options.credentials.get();
    const key = `${credentials.commanderUrl}\n${credentials.token}\n${credentials.ca ?? ''}`;
    if (client?.key !== key) {
      client = {
        key,
        client: new AgentApiClient({
          baseUrl: credentials.commanderUrl,
          token: credentials.token,
          ...(credentials.ca ? { ca: credentials.ca } : {}),
          timeoutMs: options.requestTimeoutMs ?? 15_000,
        }),
      };
      log.info({ commanderUrl: credentials.commanderUrl }, 'agent API client ready');
    }
    return client.client;
  };

  const sync = new ResourceSync({
    kube: options.kube,
    api,
    state: options.state,
    log,
    statusRefreshMs: options.statusRefreshMs ?? 300_000,
  });
  const status: AgentStatus = {
    lastSync: null,
    lastTelemetryAt: null,
    lastError: null,
    syncFailures: 0,
    telemetryFailures: 0,
  };
  let isStopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();

  const loop = (name: 'sync' | 'telemetry', pass: () => Promise<number>) => {
    const failuresKey = name === 'sync' ? 'syncFailures' : 'telemetryFailures';
    const run = () => {
      const promise = (async () => {
        let delay: number;
        try {
          delay = await pass();
          status[failuresKey] = 0;
        } catch (error) {
          status[failuresKey] += 1;
          const message = error instanceof Error ? error.message : String(error);
          status.lastError = { at: new Date(), loop: name, message };
          if (error instanceof AgentApiError && error.isUnauthorized) {
            // The key may have been rotated: read the Secret again.
            options.credentials.invalidate();
          }
          delay = backoffDelay(status[failuresKey], backoff);
          log.warn({ err: message, retryInMs: delay }, `${name} failed`);
        }
        if (!isStopped) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            run();
          }, delay);
          timers.add(timer);
        }
      })();
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise));
    };
    run();
  };

  loop('sync', async () => {
    const outcome = await sync.runPass();
    status.lastSync = { at: new Date(), outcome };
    if (outcome.mode === 'full') {
      // A new version may carry a rotated key in the credentials Secret: read it again.
      options.credentials.invalidate();
    }
    const errors = outcome.results.filter((result) => result.status === 'error').length;
    log[errors > 0 ? 'warn' : 'debug'](
      {
        mode: outcome.mode,
        version: outcome.version,
        resources: outcome.results.length,
        errors,
        reapplied: outcome.reapplied,
        reported: outcome.reported,
      },
      'sync pass done',
    );
    return jittered(options.pollIntervalMs ?? outcome.pollIntervalMs);
  });

  loop('telemetry', async () => {
    const body = await collectTelemetry(options.kube, log);
    await (await api()).sendTelemetry(body);
    status.lastTelemetryAt = new Date();
    return jittered(options.telemetryIntervalMs ?? sync.intervals.telemetryMs);
  });

  return {
    status: () => ({ ...status }),
    async stop() {
      isStopped = true;
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
