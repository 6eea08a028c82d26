import type { IncomingMessage, ServerResponse } from 'node:http';

import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/** The helmet configuration of every response (see securityHeadersPlugin). */
export function securityHeaderOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Mantine and Swagger UI set inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    noSniff: true,
    referrerPolicy: { policy: 'no-referrer' },
    hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  };
}

/**
 * The headers helmet sets with these options, computed once: helmet's middleware run against a
 * recording response. Nothing in the configuration depends on the request (no CSP nonces), so
 * every response gets the same set; helmet also removes `X-Powered-By`, which Fastify never sets.
 */
export function computeSecurityHeaders(https: boolean): [name: string, value: string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), String(value));
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  // helmet 8 throws on a bad option; older versions passed it to the callback.
  helmet(securityHeaderOptions(https))(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      if (err !== undefined && err !== null) {
        throw err instanceof Error ? err : new Error('helmet refused the security headers');
      }
    },
  );
  return [...headers];
}

/**
 * Security headers on everything the API serves (the built web app, the API, Swagger UI):
 * a CSP without inline scripts (`apps/web/index.html` loads `/boot.js` instead of an
 * inline script; the Vite dev server is not behind this), no framing, nosniff, no referrer, and HSTS
 * only when the public URL is https (HSTS over plain http would break the install).
 *
 * helmet's header set, computed at start-up (`computeSecurityHeaders`) and set on each raw
 * response as @fastify/helmet did, instead of building helmet's middleware per request (5.6 %
 * of the API's CPU under `GET /clusters`). A route may still override a header with
 * `reply.header` (Fastify's headers are written after these).
 */
export const securityHeadersPlugin = fp<{ https: boolean }>(
  async (app, { https }) => {
    const headers = computeSecurityHeaders(https);
    app.addHook('onRequest', (_request, reply, done) => {
      const raw = reply.raw;
      for (const [name, value] of headers) {
        raw.setHeader(name, value);
      }
      done();
    });
  },
  { name: 'security-headers' },
);
