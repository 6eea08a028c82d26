import { ApiErrorBodySchema } from '@commander/contracts';
import type { z } from 'zod';

import { createSseParser, type SseEvent } from './sse.js';

/** Base path of the REST API. */
export const API_BASE = '/api/v1';

/**
 * An API failure: the HTTP status and the machine-readable code of the API's error body
 * (`{error: {code, message, details?}}`). Network failures have status 0 and code
 * `network_error`; a response that does not match its contract has code `invalid_response`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is an ApiError (with the given code, when one is passed). */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  /** Workspace slug for workspace-scoped calls (sent as X-Workspace). */
  workspace?: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Whether a 401 sends the user to the sign-in page (default true). Sign-in itself answers
   * 401 for a wrong password, which the form shows instead.
   */
  redirectOnUnauthorized?: boolean;
};

export type ParsedRequestOptions<S extends z.ZodType> = RequestOptions & { schema: S };

/** A page of a list endpoint: the items and the total from X-Total-Count. */
export type Page<T> = { items: T[]; total: number };

// The CSRF token of the session: kept in memory only (it comes with sign-in and /auth/me) and
// sent on every write made with the session cookie.
let csrfToken: string | null = null;

/** Remembers the session's CSRF token (null after sign-out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const unauthorizedListeners = new Set<(code: string) => void>();

/**
 * Subscribes to "the API said 401" (code `unauthorized` or `session_expired`); the app sends
 * the user to the sign-in page. Returns the unsubscribe function.
 */
export function onUnauthorized(listener: (code: string) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

function buildUrl(path: string, query: RequestOptions['query']): URL {
  const url = new URL(`${API_BASE}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(key, String(value));
    }
  }
  return url;
}

/** How long after the page loaded a response started by `public/boot.js` may still be used. */
export const BOOT_TTL_MS = 10_000;

type BootRequests = { at: number; requests: Map<string, Promise<Response>> };

declare global {
  interface Window {
    /** The first screen's requests, started by `public/boot.js` before the app's script ran. */
    __commanderBoot?: BootRequests;
  }
}

/**
 * The response `public/boot.js` started for this GET (same path, query and workspace), taken
 * once: the first screen's data was requested while the app's script loaded. Nothing after
 * BOOT_TTL_MS, so a late first request never gets a response from before a change.
 */
function takeBootResponse(url: URL, workspace: string | undefined): Promise<Response> | undefined {
  const boot = window.__commanderBoot;
  if (boot === undefined) {
    return undefined;
  }
  if (Date.now() - boot.at > BOOT_TTL_MS) {
    delete window.__commanderBoot;
    return undefined;
  }
  const key = `${workspace ?? ''} ${url.pathname}${url.search}`;
  const response = boot.requests.get(key);
  boot.requests.delete(key);
  return response;
}

/** A body sent as is (the Kubernetes proxy: patches and YAML), with its content type. */
type RawBody = { text: string; contentType: string };

/** A Kubernetes `Status` error body (what the Kubernetes API answers through the proxy). */
type KubeStatus = { kind: 'Status'; message?: string; reason?: string; code?: number };

function isKubeStatus(json: unknown): json is KubeStatus {
  return (
    typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'Status'
  );
}

async function send(
  method: string,
  path: string,
  o: RequestOptions & { raw?: RawBody },
  accept: string,
): Promise<Response> {
  const headers: Record<string, string> = { accept };
  const hasBody = o.body !== undefined || o.raw !== undefined;
  if (hasBody) {
    headers['content-type'] = o.raw?.contentType ?? 'application/json';
  }
  if (o.workspace !== undefined) {
    headers['x-workspace'] = o.workspace;
  }
  if (method !== 'GET' && csrfToken !== null) {
    headers['x-csrf-token'] = csrfToken;
  }
  const url = buildUrl(path, o.query);
  const early =
    method === 'GET' && accept === 'application/json'
      ? takeBootResponse(url, o.workspace)
      : undefined;
  let res: Response;
  try {
    res = await (early ??
      fetch(url, {
        method,
        headers,
        body: o.raw !== undefined ? o.raw.text : hasBody ? JSON.stringify(o.body) : undefined,
        signal: o.signal,
        credentials: 'same-origin',
      }));
  } catch (error) {
    if (o.signal?.aborted) {
      throw error;
    }
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }
  if (!res.ok) {
    const json: unknown = await res.json().catch(() => undefined);
    const parsed = ApiErrorBodySchema.safeParse(json);
    const error = parsed.success
      ? new ApiError(
          res.status,
          parsed.data.error.code,
          parsed.data.error.message,
          parsed.data.error.details,
        )
      : isKubeStatus(json)
        ? new ApiError(
            res.status,
            KUBERNETES_ERROR,
            json.message ?? (res.statusText || `HTTP ${res.status}`),
            json,
          )
        : new ApiError(
            res.status,
            res.status === 401 ? 'unauthorized' : 'http_error',
            res.statusText || `HTTP ${res.status}`,
          );
    if (res.status === 401 && o.redirectOnUnauthorized !== false) {
      for (const listener of unauthorizedListeners) {
        listener(error.code);
      }
    }
    throw error;
  }
  return res;
}

function parseBody<S extends z.ZodType>(
  schema: S,
  json: unknown,
  status: number,
  path: string,
): z.output<S> {
  const result = schema.safeParse(json);
  if (!result.success) {
    // A contract mismatch is a bug on one side; say so instead of rendering half-valid data.
    console.error(`Response of ${path} does not match its contract`, result.error.issues);
    throw new ApiError(
      status,
      'invalid_response',
      `The server sent an unexpected response for ${path}`,
    );
  }
  return result.data;
}

/** Sends a request and returns the zod-parsed JSON body. Throws ApiError on any failure. */
export async function request<S extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  o: ParsedRequestOptions<S>,
): Promise<z.output<S>> {
  const res = await send(method, path, o, 'application/json');
  const json: unknown = res.status === 204 ? null : await res.json().catch(() => undefined);
  return parseBody(o.schema, json, res.status, path);
}

/** GETs a text body (exports: YAML or JSON files to download). Throws ApiError on any failure. */
async function text(path: string, o: RequestOptions = {}): Promise<string> {
  const res = await send('GET', path, o, '*/*');
  return res.text();
}

/** GETs a list endpoint: a bare JSON array, with the total in X-Total-Count. */
async function list<S extends z.ZodType>(
  path: string,
  o: ParsedRequestOptions<S>,
): Promise<Page<z.output<S>>> {
  const res = await send('GET', path, o, 'application/json');
  const json: unknown = await res.json().catch(() => undefined);
  if (!Array.isArray(json)) {
    throw new ApiError(
      res.status,
      'invalid_response',
      `The server sent an unexpected response for ${path}`,
    );
  }
  const items = json.map((item) => parseBody(o.schema, item, res.status, path));
  const header = res.headers.get('x-total-count');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : items.length;
  return { items, total };
}

/**
 * Opens a Server-Sent Events stream with fetch (EventSource cannot send X-Workspace) and
 * yields the events in the batches they arrive in. Ends when the server closes the stream;
 * aborting the signal stops it.
 */
async function* stream(
  path: string,
  o: RequestOptions,
): AsyncGenerator<SseEvent[], void, undefined> {
  const res = await send('GET', path, o, 'text/event-stream');
  if (!res.body) {
    return;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parse = createSseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        const rest = parse(decoder.decode());
        if (rest.length > 0) {
          yield rest;
        }
        return;
      }
      yield parse(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The code of an ApiError that carries a Kubernetes `Status` (in `details`). */
export const KUBERNETES_ERROR = 'kubernetes_error';

/** Options of a call to a cluster's Kubernetes API through Commander's proxy. */
export type KubeRequestOptions = {
  workspace: string;
  query?: Record<string, QueryValue>;
  /** A body sent as is, with its content type (JSON, a patch, YAML). */
  raw?: RawBody;
  /** Default `application/json`. */
  accept?: string;
  signal?: AbortSignal;
};

/**
 * A call to cluster `clusterId`'s Kubernetes API through Commander
 * (`/api/v1/clusters/:id/kubernetes<path>`); the response as is, for JSON, watch lines or log
 * text. Errors (Commander's or a Kubernetes `Status`) throw ApiError.
 */
async function kube(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  clusterId: string,
  path: string,
  o: KubeRequestOptions,
): Promise<Response> {
  return send(
    method,
    `/clusters/${encodeURIComponent(clusterId)}/kubernetes${path}`,
    o,
    o.accept ?? 'application/json',
  );
}

/** The only way the web app talks to the API. */
export const api = {
  get: <S extends z.ZodType>(path: string, o: ParsedRequestOptions<S>) => request('GET', path, o),
  post: <S extends z.ZodType>(path: string, o: ParsedRequestOptions<S>) => request('POST', path, o),
  put: <S extends z.ZodType>(path: string, o: ParsedRequestOptions<S>) => request('PUT', path, o),
  delete: <S extends z.ZodType>(path: string, o: ParsedRequestOptions<S>) =>
    request('DELETE', path, o),
  list,
  stream,
  text,
  kube,
};
