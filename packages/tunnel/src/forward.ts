import {
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import http2 from 'node:http2';
import type { Duplex, Readable } from 'node:stream';

import { forwardableHeaders, kubeStatus, TUNNEL_UPGRADE, TUNNEL_UPGRADED } from './headers.js';
import type { Tunnel } from './hub.js';

export type ForwardTarget = {
  method: string;
  /** Path and query sent to the kube-apiserver, starting with `/`. */
  path: string;
  /** Already filtered headers (see forwardableHeaders) plus what the connector adds. */
  headers: OutgoingHttpHeaders;
};

/** True when an HTTP/1.1 request carries a body. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * Sends one request down a tunnel and streams its answer back: the request body is piped up as
 * it arrives, the response (a list, a `watch`, a log stream) is piped down as the agent sends
 * it, both under HTTP/2 flow control. The caller closing its connection cancels the stream (a
 * watch ends at the kube-apiserver too). Resolves with the response status (502 when the tunnel
 * fails before answering) once the exchange is over.
 */
export function forwardRequest(
  tunnel: Tunnel,
  target: ForwardTarget,
  body: Readable | null,
  res: ServerResponse,
): Promise<number> {
  return new Promise((resolve) => {
    let status = 502;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = tunnel.request({ ...target, body: body !== null });
    } catch (err) {
      fail(res, 502, `The cluster's tunnel failed: ${(err as Error).message}`);
      resolve(502);
      return;
    }
    const done = () => resolve(status);
    stream.on('response', (headers) => {
      status = Number(headers[':status'] ?? 502);
      res.writeHead(status, forwardableHeaders(headers));
      res.flushHeaders();
      stream.pipe(res);
    });
    stream.on('error', (err: Error) => {
      if (!res.headersSent) {
        fail(res, 502, `The cluster's tunnel failed: ${err.message}`);
      } else {
        res.destroy();
      }
    });
    stream.on('close', () => {
      if (!res.headersSent) {
        fail(res, 502, "The cluster's tunnel closed before the cluster answered");
      } else if (!res.writableEnded) {
        res.end();
      }
      done();
    });
    res.on('close', () => {
      if (!stream.closed) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
    });
    if (body) {
      body.pipe(stream);
      body.on('error', () => stream.close(http2.constants.NGHTTP2_CANCEL));
    }
  });
}

function fail(res: ServerResponse, code: number, message: string): void {
  if (res.headersSent || res.writableEnded) {
    return;
  }
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(kubeStatus(code, code === 503 ? 'ServiceUnavailable' : 'BadGateway', message));
}

/**
 * Carries an HTTP/1.1 upgrade (the Kubernetes exec/attach/port-forward WebSocket) down a tunnel:
 * the agent opens the upgraded connection to its kube-apiserver and pipes its bytes to this
 * HTTP/2 stream; here, the 101 answer is written to the client's socket and both byte streams
 * are joined. A refusal (403, 404, …) is written back as an ordinary response.
 */
export function forwardUpgrade(
  tunnel: Tunnel,
  target: ForwardTarget & { upgrade: string },
  socket: Duplex,
  head: Buffer,
): Promise<number> {
  return new Promise((resolve) => {
    let status = 502;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = tunnel.request({
        method: target.method,
        path: target.path,
        headers: { ...target.headers, [TUNNEL_UPGRADE]: target.upgrade },
        body: true,
      });
    } catch (err) {
      writeRaw(socket, 502, {}, kubeStatus(502, 'BadGateway', (err as Error).message));
      resolve(502);
      return;
    }
    // Bytes the client sent after its upgrade request: the agent reads them once upgraded.
    if (head.length > 0) {
      stream.write(head);
    }
    let answered = false;
    stream.on('response', (headers) => {
      answered = true;
      const upgraded = headers[TUNNEL_UPGRADED] !== undefined;
      if (upgraded) {
        status = 101;
        const lines = [
          'HTTP/1.1 101 Switching Protocols',
          'Connection: Upgrade',
          `Upgrade: ${target.upgrade}`,
          ...headerLines(forwardableHeaders(headers)),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        socket.pipe(stream);
        stream.pipe(socket);
      } else {
        status = Number(headers[':status'] ?? 502);
        const h = forwardableHeaders(headers);
        socket.write(
          `${[`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'Connection: close', ...headerLines(h)].join('\r\n')}\r\n\r\n`,
        );
        stream.pipe(socket);
      }
    });
    stream.on('error', () => undefined);
    socket.on('error', () => undefined);
    stream.on('close', () => {
      if (!answered) {
        writeRaw(
          socket,
          502,
          {},
          kubeStatus(502, 'BadGateway', "The cluster's tunnel closed before the cluster answered"),
        );
      } else {
        socket.end();
        // A client that never closes its side does not keep the socket.
        setTimeout(() => socket.destroy(), 5_000).unref();
      }
      resolve(status);
    });
    socket.on('close', () => {
      if (!stream.closed) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
    });
  });
}

function headerLines(headers: OutgoingHttpHeaders): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of [value].flat()) {
      if (v !== undefined) {
        out.push(`${name}: ${String(v).replace(/[\r\n]/g, '')}`);
      }
    }
  }
  return out;
}

/** Writes a complete HTTP/1.1 response to a raw socket and ends it. */
export function writeRaw(
  socket: Duplex,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
): void {
  if (socket.destroyed || !socket.writable) {
    return;
  }
  const all: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(body),
  };
  socket.end(
    `${[`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'Connection: close', ...headerLines(all)].join('\r\n')}\r\n\r\n${body}`,
  );
}
