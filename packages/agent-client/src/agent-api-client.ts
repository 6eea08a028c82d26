// HTTP client of Commander's agent API (`/agent_api/:cluster_uuid/…`), on node:http(s) so that
// thousands of simulated agents can share one keep-alive connection pool (an `http.Agent`).
import http from 'node:http';
import https from 'node:https';

import {
  type AgentResources,
  AgentResourcesSchema,
  type ResourcesStatusBody,
  type TelemetryBody,
} from '@commander/contracts';

/** Options of {@link AgentApiClient}. */
export type AgentApiClientOptions = {
  /**
   * The agent API base of one cluster, e.g. `https://commander.example.com/agent_api/<uuid>`;
   * the client appends `/resources`, `/resources/status` and `/telemetry`.
   */
  baseUrl: string;
  /** The cluster's agent key, sent as `Authorization: Bearer <token>`. */
  token: string;
  /**
   * Connection pool to use. Default: a keep-alive agent private to this client. Pass one shared
   * agent (per protocol: `http.Agent` for http URLs, `https.Agent` for https) when running many
   * clients in one process.
   */
  agent?: http.Agent;
  /** Extra trusted CA certificates (PEM) for https. Default: Node's bundled CAs. */
  ca?: string;
  /** Per-request timeout in ms (connect + response). Default 15000. */
  timeoutMs?: number;
  /** `User-Agent` header. Default `commander-agent`. */
  userAgent?: string;
};

/** Outcome of {@link AgentApiClient.getResources}. */
export type ResourcesFetch =
  { status: 'not_modified' } | { status: 'ok'; etag: string | null; resources: AgentResources };

/**
 * A failed agent API call. `status` is the HTTP status, or `null` when no response arrived
 * (connection refused, DNS, timeout). `code` is the API's error code when it sent one
 * (`{ error: { code, message } }`), else `HTTP_<status>` or `NETWORK`.
 */
export class AgentApiError extends Error {
  override readonly name = 'AgentApiError';
  readonly status: number | null;
  readonly code: string;

  constructor(status: number | null, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.code = code;
  }

  /** Whether retrying later may succeed: no response, 408, 429 or a 5xx. */
  get isRetryable(): boolean {
    return this.status === null || this.status === 408 || this.status === 429 || this.status >= 500;
  }

  /** Whether the agent key was refused (401/403): the credentials may have been rotated. */
  get isUnauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

function errorFromResponse(response: RawResponse): AgentApiError {
  let code = `HTTP_${response.status}`;
  let message = `agent API answered ${response.status}`;
  try {
    const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') {
      code = parsed.error.code;
    }
    if (typeof parsed.error?.message === 'string') {
      message = `${message}: ${parsed.error.message}`;
    }
  } catch {
    if (response.body.trim() !== '') {
      message = `${message}: ${response.body.slice(0, 200)}`;
    }
  }
  return new AgentApiError(response.status, code, message);
}

/**
 * Client of one cluster's agent API. Stateless apart from its options: the caller keeps the
 * ETag between polls. Every method throws {@link AgentApiError}.
 */
export class AgentApiClient {
  readonly #base: URL;
  readonly #token: string;
  readonly #agent: http.Agent;
  readonly #ca: string | undefined;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(options: AgentApiClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(`agent API URL must be http(s): ${options.baseUrl}`);
    }
    base.pathname = base.pathname.replace(/\/+$/, '');
    this.#base = base;
    this.#token = options.token;
    this.#agent =
      options.agent ??
      (base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 4 })
        : new http.Agent({ keepAlive: true, maxSockets: 4 }));
    this.#ca = options.ca;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#userAgent = options.userAgent ?? 'commander-agent';
  }

  /** The base URL in use (normalised, without a trailing slash). */
  get baseUrl(): string {
    return this.#base.toString().replace(/\/+$/, '');
  }

  /**
   * `GET /resources`. With `etag` (the previous response's `ETag`), a 304 gives
   * `{ status: 'not_modified' }`.
   *
   * @throws AgentApiError on a non-2xx/304 answer, an invalid body or no answer.
   */
  async getResources(etag: string | null): Promise<ResourcesFetch> {
    const response = await this.#request('GET', '/resources', undefined, etag);
    if (response.status === 304) {
      return { status: 'not_modified' };
    }
    if (response.status !== 200) {
      throw errorFromResponse(response);
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch (error) {
      throw new AgentApiError(200, 'INVALID_RESPONSE', 'agent API sent invalid JSON', {
        cause: error,
      });
    }
    const parsed = AgentResourcesSchema.safeParse(json);
    if (!parsed.success) {
      throw new AgentApiError(
        200,
        'INVALID_RESPONSE',
        `agent API sent an unexpected resources body: ${parsed.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ')}`,
      );
    }
    const header = response.headers.etag;
    return {
      status: 'ok',
      etag: typeof header === 'string' ? header : null,
      resources: parsed.data,
    };
  }

  /**
   * `POST /resources/status`: the outcome of applying `body.version`.
   *
   * @throws AgentApiError unless the API answers 2xx.
   */
  async reportStatus(body: ResourcesStatusBody): Promise<void> {
    const response = await this.#request('POST', '/resources/status', body, null);
    if (response.status < 200 || response.status > 299) {
      throw errorFromResponse(response);
    }
  }

  /**
   * `POST /telemetry`: one telemetry sample.
   *
   * @throws AgentApiError unless the API answers 2xx.
   */
  async sendTelemetry(body: TelemetryBody): Promise<void> {
    const response = await this.#request('POST', '/telemetry', body, null);
    if (response.status < 200 || response.status > 299) {
      throw errorFromResponse(response);
    }
  }

  #request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    etag: string | null,
  ): Promise<RawResponse> {
    const url = new URL(this.#base);
    url.pathname = `${this.#base.pathname}${path}`;
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: http.OutgoingHttpHeaders = {
      accept: 'application/json',
      authorization: `Bearer ${this.#token}`,
      'user-agent': this.#userAgent,
    };
    if (etag !== null) {
      headers['if-none-match'] = etag;
    }
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method,
          headers,
          agent: this.#agent,
          timeout: this.#timeoutMs,
          ...(this.#ca === undefined ? {} : { ca: this.#ca }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              request.destroy(new Error('response larger than 64 MiB'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', (error) => reject(networkError(method, url, error)));
        },
      );
      request.on('timeout', () => {
        request.destroy(new Error(`no answer within ${this.#timeoutMs} ms`));
      });
      request.on('error', (error) => reject(networkError(method, url, error)));
      request.end(payload ?? undefined);
    });
  }
}

function networkError(method: string, url: URL, error: Error): AgentApiError {
  // The token never appears in the URL, so the URL is safe to log.
  return new AgentApiError(null, 'NETWORK', `${method} ${url.toString()}: ${error.message}`, {
    cause: error,
  });
}
