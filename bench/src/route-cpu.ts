/**
 * The API's CPU per request, route by route, under a moderate open-loop load: after the fleet
 * soak (same processes, same database, the managers still checking in the background), one
 * phase per kind of request, each at a fixed rate, while the API process's CPU (/proc) is read
 * before and after. A phase's CPU less the API's idle CPU over the same wall time (measured in
 * an idle phase first: timers, LISTEN, the managers' notifications), divided by its requests, is
 * that route's CPU per request. The profile clock of each phase is kept so the API's
 * `--cpu-prof` can be cut by phase.
 */
import http from 'node:http';

import { processCpuSeconds } from './cpu.js';
import { profileClockNow } from './cpu-profile.js';
import { newAgentModel, nextTelemetryBody } from './telemetry-body.js';

export type RoutePhase = {
  name: string;
  requests: number;
  /** Requests per second offered. */
  rate: number;
  statuses: Record<string, number>;
  /** API CPU per request (ms), the idle CPU of the same wall time taken off. */
  cpuMsPerRequest: number;
  wallMs: number;
  /** Profile clock (µs) of the phase, for the API's CPU profile. */
  fromUs: number;
  toUs: number;
};

export type RouteCpu = {
  /** The API's CPU when no request is sent (cores). */
  idleCores: number;
  phases: RoutePhase[];
};

export type RouteCpuInput = {
  apiUrl: string;
  apiPid: number;
  agents: { uuid: string; key: string }[];
  listingToken: string;
  /** Requests per second of each phase. */
  rate: number;
  /** Requests of each phase (the listing's: a tenth, at a tenth of the rate). */
  requests: number;
};

type Answer = { status: number | string; etag: string | null; body: string };

function send(
  pool: http.Agent,
  base: URL,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve) => {
    const all: Record<string, string | number> = { ...headers };
    if (body !== undefined) {
      all['content-type'] = 'application/json';
      all['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(
      { agent: pool, host: base.hostname, port: Number(base.port), method, path, headers: all },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            etag: typeof res.headers.etag === 'string' ? res.headers.etag : null,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.once('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: e.code ?? e.message, etag: null, body: '' }),
    );
    req.end(body);
  });
}

/** Runs the phases; every request of a phase is answered before the next starts. */
export async function measureRouteCpu(
  input: RouteCpuInput,
  log: (line: string) => void,
): Promise<RouteCpu> {
  const base = new URL(input.apiUrl);
  const pool = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const cpu = () => processCpuSeconds(input.apiPid) ?? Number.NaN;
  const agents = input.agents;
  const auth = (i: number) => ({ authorization: `Bearer ${agents[i % agents.length]!.key}` });
  const path = (i: number, tail: string) => `/agent_api/${agents[i % agents.length]!.uuid}${tail}`;

  const idleSeconds = 10;
  const idleFrom = cpu();
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const idleCores = (cpu() - idleFrom) / idleSeconds;

  const phases: RoutePhase[] = [];
  const phase = async (
    name: string,
    requests: number,
    rate: number,
    request: (i: number) => Promise<Answer>,
  ) => {
    const statuses: Record<string, number> = {};
    const pending: Promise<void>[] = [];
    const fromUs = profileClockNow();
    const cpuFrom = cpu();
    const started = performance.now();
    for (let i = 0; i < requests; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      pending.push(
        request(i).then((a) => {
          statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(pending);
    const wallMs = performance.now() - started;
    const used = cpu() - cpuFrom - (idleCores * wallMs) / 1000;
    const toUs = profileClockNow();
    phases.push({
      name,
      requests,
      rate,
      statuses,
      cpuMsPerRequest: (used * 1000) / requests,
      wallMs,
      fromUs,
      toUs,
    });
    log(
      `route CPU: ${name}: ${((used * 1000) / requests).toFixed(2)} ms per request (${JSON.stringify(statuses)})`,
    );
  };

  const n = Math.min(input.requests, agents.length);
  const models = agents.map((_, i) => newAgentModel(i));
  await phase('POST /agent_api/:uuid/telemetry', n, input.rate, (i) =>
    send(
      pool,
      base,
      'POST',
      path(i, '/telemetry'),
      auth(i),
      JSON.stringify(nextTelemetryBody(models[i % agents.length]!)),
    ),
  );
  const etags: (string | null)[] = [];
  const reports: string[] = [];
  await phase('GET /agent_api/:uuid/resources (200)', n, input.rate, async (i) => {
    const a = await send(pool, base, 'GET', path(i, '/resources'), auth(i));
    etags[i] = a.etag;
    try {
      const body = JSON.parse(a.body) as {
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
      reports[i] = JSON.stringify({
        version: body.version,
        results: body.groups.flatMap((g) =>
          g.resources.map((r) => ({
            group: g.name,
            api_version: r.apiVersion,
            kind: r.kind,
            namespace: r.metadata?.namespace ?? null,
            name: r.metadata?.name ?? '',
            status: 'applied',
          })),
        ),
      });
    } catch {
      reports[i] = '{}';
    }
    return a;
  });
  await phase('GET /agent_api/:uuid/resources (304)', n, input.rate, (i) =>
    send(pool, base, 'GET', path(i, '/resources'), {
      ...auth(i),
      ...(etags[i] ? { 'if-none-match': etags[i] } : {}),
    }),
  );
  await phase('POST /agent_api/:uuid/resources/status', n, input.rate, (i) =>
    send(pool, base, 'POST', path(i, '/resources/status'), auth(i), reports[i] ?? '{}'),
  );
  await phase(
    'GET /api/v1/clusters?limit=100',
    Math.max(1, Math.round(n / 10)),
    Math.max(1, input.rate / 10),
    () =>
      send(pool, base, 'GET', '/api/v1/clusters?limit=100', {
        authorization: `Bearer ${input.listingToken}`,
      }),
  );
  pool.destroy();
  return { idleCores, phases };
}
