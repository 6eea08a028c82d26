// The typed Commander API client: openapi-fetch over the types generated from the API's OpenAPI
// document (src/generated/api.ts, `pnpm --filter @commander/client generate`). No hand-written
// copy of the contract: a path, parameter or body the API does not declare is a type error.
import { randomUUID } from 'node:crypto';

import createClient, { type Client, type Middleware } from 'openapi-fetch';

import type { components, paths } from './generated/api.js';

export type { components, paths };
export type CommanderClient = Client<paths>;

export type CommanderClientOptions = {
  /** Where Commander answers, e.g. `http://127.0.0.1:8080` (no `/api/v1`). */
  baseUrl: string;
  /** An API token (`X-Auth-Token`). */
  token?: string;
  /** The workspace (slug) of a user's calls (`X-Workspace`); a workspace token implies its own. */
  workspace?: string;
  /**
   * Give every POST an `Idempotency-Key` (a fresh UUID per call unless the caller set one), so
   * a retried request (network error, 5xx) is answered once. Default: true.
   */
  idempotentPosts?: boolean;
  fetch?: typeof globalThis.fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
};

/** A Commander client; every method is typed by the OpenAPI document. */
export function createCommanderClient(options: CommanderClientOptions): CommanderClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: options.fetch,
    headers: {
      ...options.headers,
      ...(options.token ? { 'X-Auth-Token': options.token } : {}),
      ...(options.workspace ? { 'X-Workspace': options.workspace } : {}),
    },
  });
  if (options.idempotentPosts !== false) {
    client.use(idempotencyKeys);
  }
  return client;
}

const idempotencyKeys: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && !request.headers.has('Idempotency-Key')) {
      request.headers.set('Idempotency-Key', randomUUID());
    }
    return request;
  },
};

/** The API's error body (`{ error: { code, message, details? } }`) as an exception. */
export class CommanderApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'CommanderApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, or a CommanderApiError with the API's code and message. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) {
    return data as T;
  }
  throw toApiError(response.status, error);
}

export function toApiError(status: number, body: unknown): CommanderApiError {
  if (typeof body === 'string') {
    // A call made with `parseAs: 'text'` (downloads) gets its error body as text.
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      body = null;
    }
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
    ?.error;
  const code = typeof err?.code === 'string' ? err.code : `http_${status}`;
  const message = typeof err?.message === 'string' ? err.message : `HTTP ${status}`;
  return new CommanderApiError(status, code, message, err?.details);
}

/** A cluster as the API answers it. */
export type Cluster =
  paths['/api/v1/clusters/{id}']['get']['responses'][200]['content']['application/json'];
export type ClusterStatus = Cluster['status'];

/** A cluster is final for `wait` when it reached the wanted status or a failure it cannot leave alone. */
const FAILED: ReadonlySet<string> = new Set([
  'configuration_error',
  'creation_failed',
  'synchronization_failure',
  'deletion_failed',
]);

export type WaitOptions = {
  /** The status to wait for (default `in_sync`); `deleted` also matches a cluster that is gone (404). */
  for?: string;
  timeoutMs: number;
  /** How often to look (default 1 s). */
  intervalMs?: number;
  onProgress?: (cluster: Cluster) => void;
  signal?: AbortSignal;
};

export type WaitResult =
  | { outcome: 'reached'; cluster: Cluster | null }
  | { outcome: 'failed'; cluster: Cluster }
  | { outcome: 'timeout'; cluster: Cluster | null };

/** Polls a cluster until it reaches `for`, fails, or the time runs out. */
export async function waitForCluster(
  client: CommanderClient,
  id: string,
  options: WaitOptions,
): Promise<WaitResult> {
  const wanted = options.for ?? 'in_sync';
  const deadline = Date.now() + options.timeoutMs;
  let last: Cluster | null = null;
  for (;;) {
    const { data, error, response } = await client.GET('/api/v1/clusters/{id}', {
      params: { path: { id } },
      signal: options.signal,
    });
    if (response.status === 404 && wanted === 'deleted') {
      return { outcome: 'reached', cluster: last };
    }
    if (!response.ok) {
      throw toApiError(response.status, error);
    }
    last = data as Cluster;
    options.onProgress?.(last);
    const status: string = last.status;
    if (status === wanted) {
      return { outcome: 'reached', cluster: last };
    }
    if (FAILED.has(status) && !FAILED.has(wanted)) {
      return { outcome: 'failed', cluster: last };
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      return { outcome: 'timeout', cluster: last };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 1000, left)));
  }
}
