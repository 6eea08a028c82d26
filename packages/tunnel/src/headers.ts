import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and those HTTP/2 forbids: never forwarded by either end
 * of the tunnel. `host` is replaced by the target's own.
 */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
]);

/** Headers the tunnel uses between its two ends (set by them only, never forwarded). */
export const TUNNEL_UPGRADE = 'x-tunnel-upgrade';
export const TUNNEL_UPGRADED = 'x-tunnel-upgraded';

/**
 * `headers` without pseudo headers, hop-by-hop headers, the headers the `connection` header
 * names, the tunnel's own and any in `drop` (lower case), with array values kept.
 */
export function forwardableHeaders(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  drop: (name: string) => boolean = () => false,
): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (
      value === undefined ||
      name.startsWith(':') ||
      HOP_BY_HOP.has(name) ||
      named.has(name) ||
      name === TUNNEL_UPGRADE ||
      name === TUNNEL_UPGRADED ||
      drop(name)
    ) {
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** A Kubernetes `Status` failure body (what kubectl prints for a refused or failed call). */
export function kubeStatus(code: number, reason: string, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}
