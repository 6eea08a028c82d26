import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

import { resolveWebhookTarget } from './target-guard.js';

/** What one attempt of a delivery gave. */
export type PostOutcome =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; status: number | null; latencyMs: number; error: string };

export type PostOptions = {
  allowPrivate: boolean;
  timeoutMs: number;
  /** At most this much of the answer is read (the rest is dropped with the connection). */
  maxResponseBytes?: number;
};

/**
 * POSTs a webhook: to the address the SSRF guard vetted (the request connects to it, so a DNS
 * answer cannot change between check and use), no redirects followed (a 3xx is a failure),
 * at most `timeoutMs` from start to end, at most 64 KiB of the answer read. Never throws.
 */
export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  let resolved: { address: string; family: 4 | 6 };
  try {
    url = new URL(target);
    resolved = await resolveWebhookTarget(url, options.allowPrivate);
  } catch (err) {
    return { ok: false, status: null, latencyMs: elapsed(), error: (err as Error).message };
  }
  const lookup: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        resolved,
      ]);
    } else {
      callback(null, resolved.address, resolved.family);
    }
  };
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      }
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxBytes) {
            response.destroy();
            done();
          }
        });
        const done = () => {
          if (status >= 200 && status < 300) {
            finish({ ok: true, status, latencyMs: elapsed() });
          } else {
            finish({
              ok: false,
              status,
              latencyMs: elapsed(),
              error:
                status >= 300 && status < 400
                  ? `HTTP ${status}: redirects are not followed`
                  : `HTTP ${status}`,
            });
          }
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish({
        ok: false,
        status: null,
        latencyMs: elapsed(),
        error: `no answer within ${options.timeoutMs} ms`,
      });
    }, options.timeoutMs);
    request.on('error', (err) => {
      finish({ ok: false, status: null, latencyMs: elapsed(), error: err.message });
    });
    request.end(body);
  });
}
