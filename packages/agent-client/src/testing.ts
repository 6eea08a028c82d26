// A fake of Commander's agent API for tests of agents (apps/agent, dhctl-sim): it serves the
// contract of packages/contracts/src/agent.ts over node:http, validates what agents send and
// records it. Not for production use.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  type AgentResourceGroup,
  type AgentResources,
  type ResourcesStatusBody,
  ResourcesStatusBodySchema,
  type TelemetryBody,
  TelemetryBodySchema,
} from '@commander/contracts';

/** One request the fake answered. */
export type FakeAgentApiRequest = {
  clusterId: string;
  method: string;
  /** Path after `/agent_api/<uuid>`: `/resources`, `/resources/status`, `/telemetry`. */
  path: string;
  status: number;
  ifNoneMatch: string | null;
};

type FakeCluster = {
  token: string;
  groups: AgentResourceGroup[];
  statuses: ResourcesStatusBody[];
  telemetry: TelemetryBody[];
};

type Failure = { status: number; remaining: number; message: string };

/** Options of {@link startFakeAgentApi}. */
export type FakeAgentApiOptions = {
  /** `poll_interval_seconds` in resources responses. Default 30. */
  pollIntervalSeconds?: number;
  /** `telemetry_interval_seconds` in resources responses. Default 60. */
  telemetryIntervalSeconds?: number;
};

/** A running fake agent API. */
export type FakeAgentApi = {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The agent API base of a cluster: `<url>/agent_api/<clusterId>`. */
  baseUrlFor(clusterId: string): string;
  /** Registers a cluster and its agent key (replaces an existing one). */
  addCluster(clusterId: string, token: string, groups?: AgentResourceGroup[]): void;
  /** Replaces a cluster's desired resources (the version changes when they do). */
  setGroups(clusterId: string, groups: AgentResourceGroup[]): void;
  /** The version (and ETag without quotes) of a cluster's current resources. */
  versionOf(clusterId: string): string;
  /** Status reports received, oldest first. */
  statuses(clusterId: string): ResourcesStatusBody[];
  /** Telemetry samples received (parsed by the contract schema), oldest first. */
  telemetry(clusterId: string): TelemetryBody[];
  /** Every request answered, oldest first. */
  requests: FakeAgentApiRequest[];
  /** Bodies that failed contract validation (answered 400); a correct agent leaves this empty. */
  invalidBodies: { clusterId: string; path: string; error: string }[];
  /** The next `times` requests to `path` (any cluster) answer `status`. */
  failNext(path: string, status: number, times?: number): void;
  close(): Promise<void>;
};

function versionOf(groups: readonly AgentResourceGroup[]): string {
  return createHash('sha256').update(JSON.stringify(groups)).digest('hex').slice(0, 32);
}

/** Starts a fake agent API on 127.0.0.1 and a random port. */
export async function startFakeAgentApi(options: FakeAgentApiOptions = {}): Promise<FakeAgentApi> {
  const clusters = new Map<string, FakeCluster>();
  const requests: FakeAgentApiRequest[] = [];
  const invalidBodies: FakeAgentApi['invalidBodies'] = [];
  const failures = new Map<string, Failure>();
  const pollIntervalSeconds = options.pollIntervalSeconds ?? 30;
  const telemetryIntervalSeconds = options.telemetryIntervalSeconds ?? 60;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = /^\/agent_api\/([^/]+)(\/.*)$/.exec(url.pathname);
      const clusterId = match?.[1] ?? '';
      const path = match?.[2] ?? url.pathname;
      const ifNoneMatch = request.headers['if-none-match'] ?? null;
      const send = (status: number, body?: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        requests.push({ clusterId, method: request.method ?? '', path, status, ifNoneMatch });
        const text = body === undefined ? '' : JSON.stringify(body);
        response.writeHead(status, {
          ...headers,
          ...(text ? { 'content-type': 'application/json' } : {}),
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      };
      const error = (status: number, code: string, message: string) =>
        send(status, { error: { code, message } });

      const cluster = clusters.get(clusterId);
      if (!match || !cluster) {
        error(404, 'NOT_FOUND', `no cluster ${clusterId}`);
        return;
      }
      if (request.headers.authorization !== `Bearer ${cluster.token}`) {
        error(401, 'UNAUTHENTICATED', 'invalid agent key');
        return;
      }
      const failure = failures.get(path);
      if (failure && failure.remaining > 0) {
        failure.remaining -= 1;
        error(failure.status, 'INJECTED', failure.message);
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const parseBody = (): unknown => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      };
      if (request.method === 'GET' && path === '/resources') {
        const version = versionOf(cluster.groups);
        const etag = `"${version}"`;
        if (ifNoneMatch === etag) {
          send(304, undefined, { etag });
          return;
        }
        const body: AgentResources = {
          version,
          groups: cluster.groups,
          poll_interval_seconds: pollIntervalSeconds,
          telemetry_interval_seconds: telemetryIntervalSeconds,
        };
        send(200, body, { etag });
        return;
      }
      if (request.method === 'POST' && path === '/resources/status') {
        const parsed = ResourcesStatusBodySchema.safeParse(parseBody());
        if (!parsed.success) {
          invalidBodies.push({ clusterId, path, error: parsed.error.message });
          error(400, 'VALIDATION_FAILED', parsed.error.message);
          return;
        }
        cluster.statuses.push(parsed.data);
        send(204);
        return;
      }
      if (request.method === 'POST' && path === '/telemetry') {
        const parsed = TelemetryBodySchema.safeParse(parseBody());
        if (!parsed.success) {
          invalidBodies.push({ clusterId, path, error: parsed.error.message });
          error(400, 'VALIDATION_FAILED', parsed.error.message);
          return;
        }
        cluster.telemetry.push(parsed.data);
        send(204);
        return;
      }
      error(404, 'NOT_FOUND', `no route ${request.method ?? ''} ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clusterOrThrow = (clusterId: string): FakeCluster => {
    const cluster = clusters.get(clusterId);
    if (!cluster) {
      throw new Error(`fake agent API: no cluster ${clusterId}`);
    }
    return cluster;
  };

  return {
    url,
    baseUrlFor: (clusterId) => `${url}/agent_api/${clusterId}`,
    addCluster(clusterId, token, groups = []) {
      clusters.set(clusterId, { token, groups, statuses: [], telemetry: [] });
    },
    setGroups(clusterId, groups) {
      clusterOrThrow(clusterId).groups = groups;
    },
    versionOf: (clusterId) => versionOf(clusterOrThrow(clusterId).groups),
    statuses: (clusterId) => clusterOrThrow(clusterId).statuses,
    telemetry: (clusterId) => clusterOrThrow(clusterId).telemetry,
    requests,
    invalidBodies,
    failNext(path, status, times = 1) {
      failures.set(path, { status, remaining: times, message: `injected ${status}` });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false` (then returns it), or
 * throws after `timeoutMs` with `message`.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 20, message = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
