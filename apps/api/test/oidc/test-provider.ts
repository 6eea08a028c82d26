// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- oidc-provider ships no types, and e2e imports this file too
/// <reference path="./oidc-provider.d.ts" />

import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider, { type OidcContext } from 'oidc-provider';

/** An account of the test provider: the claims it releases. */
export type TestAccount = {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
};

export type TestProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by login (= subject); the login page accepts any password. */
  accounts: Map<string, TestAccount>;
  /** Signs a JWT with the provider's own key (to forge ID tokens that verify). */
  sign: (header: Record<string, unknown>, payload: Record<string, unknown>) => string;
  close: () => Promise<void>;
};

/**
 * A real OpenID provider (npm `oidc-provider`, certified) on 127.0.0.1, with one confidential
 * client for Commander, the provider's development login page (any password), consent granted
 * without asking (as Dex's skipApprovalScreen), and profile, email and groups claims in the ID
 * token (as Dex sends them).
 */
export async function startTestProvider(options: {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  port?: number;
  clientId?: string;
  clientSecret?: string;
}): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'test-key',
    alg: 'RS256',
    use: 'sig',
  };
  const accounts = new Map<string, TestAccount>();
  const clientId = options.clientId ?? 'commander';
  const clientSecret = options.clientSecret ?? 'commander-test-secret-0123456789abcdef';
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) {
        return undefined;
      }
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
    loadExistingGrant: async (ctx: OidcContext) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        return ctx.oidc.provider.Grant.find(grantId);
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    sign: (header, payload) =>
      signJwt(privateKey, { alg: 'RS256', kid: 'test-key', ...header }, payload),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function signJwt(
  key: KeyObject,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

/** The header and payload of a JWT (no verification). */
export function decodeJwt(jwt: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>,
  };
}

/**
 * Plays the browser at the provider: follows its redirects and submits its login form (as
 * `login`) until it redirects outside the provider; returns that URL (the callback).
 */
export async function signInAtProvider(
  provider: TestProvider,
  authorizationUrl: string,
  login: string,
): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 20; step += 1) {
    if (!url.startsWith(provider.issuer)) {
      return url;
    }
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action) {
      throw new Error(`The provider answered ${res.status}: ${html.slice(0, 500)}`);
    }
    body = new URLSearchParams();
    for (const m of html.matchAll(
      /<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g,
    )) {
      body.set(m[1]!, m[2]!);
    }
    if (html.includes('name="login"')) {
      body.set('login', login);
      body.set('password', 'any-password');
    }
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    method = 'POST';
  }
  throw new Error('The provider did not redirect back');
}
