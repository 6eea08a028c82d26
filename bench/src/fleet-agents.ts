/**
 * The fleet soak's load generator, run as its own process (`node --import tsx
 * bench/src/fleet-agents.ts`) so its CPU is measured apart from everything else. It speaks the
 * agent HTTP API with each cluster's real agent key, as a commander-agent does, at Commander's
 * intervals: `GET …/resources` every poll interval with the last `ETag` (a `200` is followed by
 * a `POST …/resources/status` for that version, as the agent reports what it applied) and one
 * `POST …/telemetry` every telemetry interval; plus a user listing clusters
 * (`GET /api/v1/clusters?limit=100` with an API token) at a steady rate. Everything is an open
 * loop: each agent keeps its own jittered schedule whatever the server does, and latency counts
 * from the scheduled time (a slow server's queueing shows). It is lighter than dhctl-sim's
 * simulated agents (no virtual resource application), which matters at 10,000 agents on 2 cores.
 *
 * Input: FLEET_INPUT (JSON file, see {@link FleetAgentsInput}); output: FLEET_OUTPUT (JSON,
 * {@link FleetAgentsOutput}), written when the duration is over or on SIGTERM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

import { type AgentModel, newAgentModel, nextTelemetryBody } from './telemetry-body.js';

/** What the load generator is told to do. */
export type FleetAgentsInput = {
  apiUrl: string;
  agents: { uuid: string; key: string }[];
  durationMs: number;
  telemetryMs: number;
  pollMs: number;
  /** User listing requests per second (0 = none) and the token and workspace they use. */
  listingPerSecond: number;
  listingToken: string;
  /** Connections at most (agents share a keep-alive pool). */
  maxSockets: number;
};

/** One kind of request's outcome. Latencies in ms from the scheduled send time. */
export type RequestTally = {
  sent: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  /**
   * Latencies of the requests scheduled after the first poll interval, when every agent has
   * made its first poll (its first sync, a 200 with a status report, and the first agent key
   * lookups are behind): the fleet's steady state.
   */
  steadyLatenciesMs: number[];
  /**
   * Latencies of the requests scheduled in the first poll interval: the seeded fleet's first
   * sync (every agent's first poll and report, its first key lookup), the complement of
   * {@link steadyLatenciesMs}.
   */
  firstLatenciesMs: number[];
};

/** What the load generator measured. */
export type FleetAgentsOutput = {
  startedAt: number;
  finishedAt: number;
  telemetry: RequestTally;
  poll: RequestTally;
  status: RequestTally;
  listing: RequestTally;
  /** Agents whose telemetry was accepted at least once (204). */
  agentsWithTelemetry: number;
  /** Agents that fetched their resources (200) at least once. */
  agentsSynced: number;
  /**
   * CPU seconds (user + system, all threads) this process used from its start to writing this
   * output (`process.cpuUsage()`): the bench's CPU meter reads it, as the process has exited
   * (and its /proc entry is gone) by the end of the measured window.
   */
  cpuSeconds: number;
};

type AgentState = {
  uuid: string;
  key: string;
  model: AgentModel;
  etag: string | null;
  telemetryOk: boolean;
  synced: boolean;
};

function tally(): RequestTally {
  return { sent: 0, statuses: {}, latenciesMs: [], steadyLatenciesMs: [], firstLatenciesMs: [] };
}

/** Requests scheduled at or after this time (performance.now()) count as steady state. */
let steadyFrom = Number.POSITIVE_INFINITY;

type Response = { status: number | string; etag: string | null; body: string };

/**
 * Raw node:http, also for the user's `GET /api/v1/clusters` listing: this is a measured load
 * loop (a keep-alive pool of bounded sockets), which the typed client's fetch would distort.
 */
function request(
  agent: http.Agent,
  base: URL,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  keepBody: boolean,
): Promise<Response> {
  return new Promise((resolve) => {
    const all: Record<string, string | number> = { ...headers };
    if (body !== undefined) {
      all['content-type'] = 'application/json';
      all['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: Number(base.port || 80),
        method,
        path,
        headers: all,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        if (keepBody) {
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
        } else {
          res.resume();
        }
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            etag: typeof res.headers.etag === 'string' ? res.headers.etag : null,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.once('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: error.code ?? 'response error', etag: null, body: '' }),
        );
      },
    );
    req.once('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    req.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: error.code ?? error.message, etag: null, body: '' }),
    );
    req.end(body);
  });
}

function note(t: RequestTally, status: number | string, latencyMs: number, at: number): void {
  const key = String(status);
  t.statuses[key] = (t.statuses[key] ?? 0) + 1;
  t.latenciesMs.push(latencyMs);
  if (at >= steadyFrom) {
    t.steadyLatenciesMs.push(latencyMs);
  } else {
    t.firstLatenciesMs.push(latencyMs);
  }
}

/**
 * Every event of the run at its time, one setTimeout at a time: a binary min-heap by time, so
 * adding and taking an event cost O(log n) (10,000 agents keep ~20,000 events pending; a sorted
 * array's splice moved them all on every insert and every firing).
 */
class Schedule {
  readonly #heap: { at: number; run: () => void }[] = [];
  #timer: NodeJS.Timeout | null = null;
  #armedAt = Number.POSITIVE_INFINITY;
  #stopped = false;

  add(at: number, run: () => void): void {
    const heap = this.#heap;
    heap.push({ at, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) {
        break;
      }
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
    if (at < this.#armedAt) {
      this.#arm();
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
    }
  }

  #pop(): { at: number; run: () => void } | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left]!.at < heap[least]!.at) {
          least = left;
        }
        if (right < heap.length && heap[right]!.at < heap[least]!.at) {
          least = right;
        }
        if (least === i) {
          break;
        }
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  }

  #arm(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const next = this.#heap[0];
    this.#armedAt = next?.at ?? Number.POSITIVE_INFINITY;
    if (this.#stopped || !next) {
      return;
    }
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, next.at - performance.now()));
  }

  #fire(): void {
    this.#timer = null;
    const now = performance.now();
    // Events added while these run (an agent's next send) are due later: taken next time.
    const due: (() => void)[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) {
      due.push(this.#pop()!.run);
    }
    // Not re-armed by each add while these run; once, after them.
    this.#armedAt = Number.NEGATIVE_INFINITY;
    for (const run of due) {
      run();
    }
    this.#arm();
  }
}

/** Runs the load; resolves with what it measured (also on `stop`). */
export async function runFleetAgents(
  input: FleetAgentsInput,
  stopSignal: Promise<void> = new Promise(() => undefined),
): Promise<FleetAgentsOutput> {
  const base = new URL(input.apiUrl);
  const pool = new http.Agent({
    keepAlive: true,
    maxSockets: input.maxSockets,
    maxFreeSockets: input.maxSockets,
  });
  const out: FleetAgentsOutput = {
    startedAt: Date.now(),
    finishedAt: 0,
    telemetry: tally(),
    poll: tally(),
    status: tally(),
    listing: tally(),
    agentsWithTelemetry: 0,
    agentsSynced: 0,
    cpuSeconds: 0,
  };
  const agents: AgentState[] = input.agents.map((a, i) => ({
    ...a,
    model: newAgentModel(i),
    etag: null,
    telemetryOk: false,
    synced: false,
  }));
  const started = performance.now();
  const end = started + input.durationMs;
  steadyFrom = started + input.pollMs;
  const schedule = new Schedule();
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const jitter = (ms: number) => ms * (0.9 + 0.2 * Math.random());
  const agentPath = (agent: AgentState, tail: string) => `/agent_api/${agent.uuid}${tail}`;

  const sendTelemetry = (agent: AgentState, at: number) => {
    out.telemetry.sent += 1;
    track(
      request(
        pool,
        base,
        'POST',
        agentPath(agent, '/telemetry'),
        { authorization: `Bearer ${agent.key}` },
        JSON.stringify(nextTelemetryBody(agent.model)),
        false,
      ).then((r) => {
        note(out.telemetry, r.status, performance.now() - at, at);
        if (r.status === 204 && !agent.telemetryOk) {
          agent.telemetryOk = true;
          out.agentsWithTelemetry += 1;
        }
      }),
    );
    const next = at + jitter(input.telemetryMs);
    if (next < end) {
      schedule.add(next, () => sendTelemetry(agent, next));
    }
  };

  const poll = (agent: AgentState, at: number) => {
    out.poll.sent += 1;
    const headers: Record<string, string> = { authorization: `Bearer ${agent.key}` };
    if (agent.etag) {
      headers['if-none-match'] = agent.etag;
    }
    track(
      request(pool, base, 'GET', agentPath(agent, '/resources'), headers, undefined, true).then(
        async (r) => {
          note(out.poll, r.status, performance.now() - at, at);
          if (r.status !== 200) {
            return;
          }
          agent.etag = r.etag;
          if (!agent.synced) {
            agent.synced = true;
            out.agentsSynced += 1;
          }
          // The agent applied what it got and reports it (every resource applied).
          let version = '';
          let results: unknown[] = [];
          try {
            const body = JSON.parse(r.body) as {
              version: string;
              groups: {
                name: string;
                resources: {
                  apiVersion: string;
                  kind: string;
                  metadata?: { name?: string; namespace?: string };
                }[];
              }[];
            };
            version = body.version;
            results = body.groups.flatMap((g) =>
              g.resources.map((res) => ({
                group: g.name,
                api_version: res.apiVersion,
                kind: res.kind,
                namespace: res.metadata?.namespace ?? null,
                name: res.metadata?.name ?? '',
                status: 'applied',
              })),
            );
          } catch {
            note(out.status, 'unparsable resources', 0, at);
            return;
          }
          const statusAt = performance.now();
          out.status.sent += 1;
          const s = await request(
            pool,
            base,
            'POST',
            agentPath(agent, '/resources/status'),
            { authorization: `Bearer ${agent.key}` },
            JSON.stringify({ version, results }),
            false,
          );
          note(out.status, s.status, performance.now() - statusAt, at);
        },
      ),
    );
    const next = at + jitter(input.pollMs);
    if (next < end) {
      schedule.add(next, () => poll(agent, next));
    }
  };

  const list = (at: number) => {
    out.listing.sent += 1;
    track(
      request(
        pool,
        base,
        'GET',
        '/api/v1/clusters?limit=100',
        { authorization: `Bearer ${input.listingToken}` },
        undefined,
        false,
      ).then((r) => note(out.listing, r.status, performance.now() - at, at)),
    );
    const next = at + 1000 / input.listingPerSecond;
    if (next < end) {
      schedule.add(next, () => list(next));
    }
  };

  // A fleet in steady state: each agent's first send at a random point of its first interval.
  for (const agent of agents) {
    const t = started + Math.random() * input.telemetryMs;
    schedule.add(t, () => sendTelemetry(agent, t));
    const p = started + Math.random() * input.pollMs;
    schedule.add(p, () => poll(agent, p));
  }
  if (input.listingPerSecond > 0) {
    schedule.add(started, () => list(started));
  }
  await Promise.race([
    new Promise((resolve) => setTimeout(resolve, Math.max(0, end - performance.now()))),
    stopSignal,
  ]);
  schedule.stop();
  // Answers to what was sent before the end still count.
  await Promise.race([
    Promise.all([...pending]),
    new Promise((resolve) => setTimeout(resolve, 30_000)),
  ]);
  pool.destroy();
  out.finishedAt = Date.now();
  return out;
}

async function main(): Promise<void> {
  const inputFile = process.env.FLEET_INPUT;
  const outputFile = process.env.FLEET_OUTPUT;
  if (!inputFile || !outputFile) {
    throw new Error('FLEET_INPUT and FLEET_OUTPUT must name files');
  }
  const input = JSON.parse(readFileSync(inputFile, 'utf8')) as FleetAgentsInput;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  process.once('SIGTERM', () => stop());
  process.once('SIGINT', () => stop());
  const out = await runFleetAgents(input, stopped);
  const cpu = process.cpuUsage();
  out.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  writeFileSync(outputFile, JSON.stringify(out));
}

if (process.argv[1]?.endsWith('fleet-agents.ts')) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
