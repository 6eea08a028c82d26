import http from 'node:http';

// The load loop speaks raw node:http, not the typed client (@commander/client): a keep-alive
// agent with bounded sockets and open-loop scheduling is what is measured, and the client's fetch
// and middleware would add their own cost to every request.

/** One HTTP request of a load test. */
export type HttpRequestSpec = {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** JSON text (sent with its content-length). */
  body?: string;
};

/** What a load run measured. */
export type LoadResult = {
  /** Measured window, ms (from the first send to the last response of the window). */
  durationMs: number;
  sent: number;
  /** Responses with the expected status. */
  ok: number;
  /** Other responses and transport errors, by status code or error code. */
  errors: Record<string, number>;
  /** Latency of every completed request, ms. Open loop: from its scheduled time. */
  latenciesMs: number[];
};

type Client = {
  agent: http.Agent;
  host: string;
  port: number;
};

function newClient(baseUrl: string, maxSockets: number): Client {
  const url = new URL(baseUrl);
  return {
    // keep-alive like real agents and browsers; maxSockets bounds the connections.
    agent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    host: url.hostname,
    port: Number(url.port || 80),
  };
}

/** Sends one request; resolves with the status code (or an error code such as ECONNRESET). */
function send(client: Client, spec: HttpRequestSpec, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(spec.body);
    }
    const request = http.request(
      {
        agent: client.agent,
        host: client.host,
        port: client.port,
        method: spec.method,
        path: spec.path,
        headers,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', (error: NodeJS.ErrnoException) =>
          resolve(error.code ?? 'response error'),
        );
      },
    );
    request.once('timeout', () =>
      request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    request.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end(spec.body);
  });
}

function record(
  result: LoadResult,
  status: number | string,
  expected: number,
  latencyMs: number,
): void {
  if (status === expected) {
    result.ok += 1;
    result.latenciesMs.push(latencyMs);
  } else {
    const key = String(status);
    result.errors[key] = (result.errors[key] ?? 0) + 1;
  }
}

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the previous one
 * answered, for `durationMs`. Measures the maximum rate the server sustains at that
 * concurrency (the answer to "how fast can it go"), not latency under a given load.
 */
export async function closedLoop(options: {
  baseUrl: string;
  concurrency: number;
  durationMs: number;
  expectedStatus: number;
  next: (sequence: number) => HttpRequestSpec;
  timeoutMs?: number;
}): Promise<LoadResult> {
  const client = newClient(options.baseUrl, options.concurrency);
  const result: LoadResult = { durationMs: 0, sent: 0, ok: 0, errors: {}, latenciesMs: [] };
  const started = performance.now();
  const deadline = started + options.durationMs;
  let sequence = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const spec = options.next(sequence++);
      const at = performance.now();
      result.sent += 1;
      const status = await send(client, spec, options.timeoutMs ?? 10_000);
      record(result, status, options.expectedStatus, performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  result.durationMs = performance.now() - started;
  client.agent.destroy();
  return result;
}

/**
 * Open loop: `senders` (agents) each send on their own schedule, every `intervalMs` jittered
 * ±10 % and first at a random point of the first interval (a fleet in steady state), for
 * `durationMs`, whatever the server's speed. Latency counts from the scheduled time, so
 * requests queued behind a slow server count their wait (no coordinated omission).
 */
export async function openLoop(options: {
  baseUrl: string;
  senders: number;
  intervalMs: number;
  durationMs: number;
  expectedStatus: number;
  /** The request of sender `index`. */
  next: (index: number) => HttpRequestSpec;
  /** Connections at most (real agents have one each; a pool keeps the client cheap). */
  maxSockets?: number;
  timeoutMs?: number;
  random?: () => number;
}): Promise<LoadResult> {
  const random = options.random ?? Math.random;
  const client = newClient(options.baseUrl, options.maxSockets ?? 256);
  // Every send time of the window, sorted: the schedule does not depend on the responses.
  const schedule: { at: number; index: number }[] = [];
  for (let index = 0; index < options.senders; index++) {
    let at = random() * options.intervalMs;
    while (at < options.durationMs) {
      schedule.push({ at, index });
      at += options.intervalMs * (0.9 + 0.2 * random());
    }
  }
  schedule.sort((a, b) => a.at - b.at);
  const result: LoadResult = { durationMs: 0, sent: 0, ok: 0, errors: {}, latenciesMs: [] };
  const started = performance.now();
  const pending: Promise<void>[] = [];
  let cursor = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - started;
      while (cursor < schedule.length && (schedule[cursor]?.at ?? Infinity) <= now) {
        const { at, index } = schedule[cursor++]!;
        result.sent += 1;
        pending.push(
          send(client, options.next(index), options.timeoutMs ?? 10_000).then((status) => {
            record(result, status, options.expectedStatus, performance.now() - started - at);
          }),
        );
      }
      if (cursor >= schedule.length) {
        resolve();
      } else {
        setTimeout(tick, Math.max(0, Math.min(5, (schedule[cursor]?.at ?? now) - now)));
      }
    };
    tick();
  });
  await Promise.all(pending);
  result.durationMs = performance.now() - started;
  client.agent.destroy();
  return result;
}

/** Responses with the expected status per second of the window. */
export function rateOf(result: LoadResult): number {
  return result.durationMs > 0 ? (result.ok * 1000) / result.durationMs : Number.NaN;
}

/** Errors as `503×4, ECONNRESET×1`, or `none`. */
export function describeErrors(result: LoadResult): string {
  const entries = Object.entries(result.errors);
  return entries.length === 0
    ? 'none'
    : entries.map(([code, count]) => `${code}×${count}`).join(', ');
}
