// The Kubernetes exec WebSocket protocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`): every
// binary message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 error (a `Status` when
// the command ends), 4 resize; v5 adds 255 "close channel".

/** The subprotocols offered, preferred first. */
export const EXEC_SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;

const encoder = new TextEncoder();

/** A message for `channel` carrying `data`. */
export function frame(channel: number, data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const out = new Uint8Array(bytes.length + 1);
  out[0] = channel;
  out.set(bytes, 1);
  return out;
}

/** The resize message for a terminal of `cols` × `rows`. */
export function resizeFrame(cols: number, rows: number): Uint8Array {
  return frame(RESIZE, JSON.stringify({ Width: cols, Height: rows }));
}

/** A received message: its channel and payload (null for an empty message). */
export function parseFrame(data: ArrayBuffer): { channel: number; payload: Uint8Array } | null {
  const bytes = new Uint8Array(data);
  if (bytes.length === 0) {
    return null;
  }
  return { channel: bytes[0] ?? 0, payload: bytes.subarray(1) };
}

/**
 * The exit code in the error channel's `Status`: 0 for `Success`, the `ExitCode` cause for a
 * non-zero exit, null for another failure (its message is in `message`).
 */
export function exitCodeOf(payload: Uint8Array): { code: number | null; message: string } {
  const text = new TextDecoder().decode(payload);
  try {
    const status = JSON.parse(text) as {
      status?: string;
      message?: string;
      details?: { causes?: { reason?: string; message?: string }[] };
    };
    if (status.status === 'Success') {
      return { code: 0, message: '' };
    }
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = cause?.message !== undefined ? Number.parseInt(cause.message, 10) : Number.NaN;
    return { code: Number.isNaN(code) ? null : code, message: status.message ?? text };
  } catch {
    return { code: null, message: text };
  }
}

/** The exec URL of a pod's container through Commander's proxy (`ws:` or `wss:`). */
export function execUrl(
  location: Pick<Location, 'protocol' | 'host'>,
  clusterId: string,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
): string {
  const query = new URLSearchParams();
  query.set('container', container);
  for (const part of command) {
    query.append('command', part);
  }
  query.set('stdin', 'true');
  query.set('stdout', 'true');
  query.set('tty', 'true');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/clusters/${encodeURIComponent(clusterId)}/kubernetes/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${query.toString()}`;
}
