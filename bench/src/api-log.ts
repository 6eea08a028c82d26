import { readFileSync } from 'node:fs';

import { summarize, type Summary } from './stats.js';

/** Server-side latencies of agent API requests, from the API's own request log. */
export type ServerLatencies = Record<
  string,
  { statuses: Record<string, number>; responseTimeMs: Summary }
>;

type LogLine = {
  time?: number;
  reqId?: string;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
};

/** `POST telemetry`, `GET resources`, `POST resources/status`, or null for other routes. */
function agentRoute(method: string, url: string): string | null {
  const match = /^\/agent_api\/[^/]+\/(telemetry|resources\/status|resources)(\?|$)/.exec(url);
  return match?.[1] ? `${method} ${match[1]}` : null;
}

/**
 * Reads Fastify's request log (JSON lines, `LOG_LEVEL=info`: "incoming request" then "request
 * completed" with `responseTime`) and summarizes agent API requests that completed between
 * `fromMs` and `toMs` (epoch ms), by route. The response time is measured inside the server
 * (from routing to the response written), so it excludes connection queueing in the client.
 */
export function agentApiLatencies(logFile: string, fromMs: number, toMs: number): ServerLatencies {
  const routes = new Map<string, string>();
  const byRoute = new Map<string, { statuses: Record<string, number>; times: number[] }>();
  for (const text of readFileSync(logFile, 'utf8').split('\n')) {
    if (!text.startsWith('{')) {
      continue;
    }
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      continue;
    }
    if (!line.reqId) {
      continue;
    }
    if (line.msg === 'incoming request' && line.req?.url) {
      const route = agentRoute(line.req.method ?? 'GET', line.req.url);
      if (route) {
        routes.set(line.reqId, route);
      }
    } else if (
      line.msg === 'request completed' &&
      line.time !== undefined &&
      line.time >= fromMs &&
      line.time <= toMs
    ) {
      const route = routes.get(line.reqId);
      routes.delete(line.reqId);
      if (!route) {
        continue;
      }
      const entry = byRoute.get(route) ?? { statuses: {}, times: [] };
      const status = String(line.res?.statusCode ?? 'unknown');
      entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
      if (typeof line.responseTime === 'number') {
        entry.times.push(line.responseTime);
      }
      byRoute.set(route, entry);
    }
  }
  const result: ServerLatencies = {};
  for (const [route, entry] of byRoute) {
    result[route] = { statuses: entry.statuses, responseTimeMs: summarize(entry.times) };
  }
  return result;
}
