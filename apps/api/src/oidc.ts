import type { OidcIdentity } from '@commander/core';
import { OidcSignInError } from '@commander/core';
import * as client from 'openid-client';

import type { OidcProviderConfig } from './config.js';

/** The path every provider redirects back to (register `<COMMANDER_PUBLIC_URL>` + this). */
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** Where the browser lands after signing out at the provider (register it as well). */
export const POST_LOGOUT_PATH = '/sign-in';

export type OidcOptions = {
  publicUrl: string;
  /** Replaces fetch for every request to the providers (tests tamper with responses). */
  fetch?: client.CustomFetch | undefined;
};

/**
 * The configured OpenID providers and their discovered metadata. Discovery runs at the first
 * sign-in through a provider (start-up does not depend on the provider being up) and is kept;
 * a failed discovery is retried at the next sign-in.
 */
export class OidcProviders {
  readonly #providers: Map<string, OidcProviderConfig>;
  readonly #options: OidcOptions;
  readonly #configs = new Map<string, Promise<client.Configuration>>();

  constructor(providers: readonly OidcProviderConfig[], options: OidcOptions) {
    this.#providers = new Map(providers.map((p) => [p.id, p]));
    this.#options = options;
  }

  list(): OidcProviderConfig[] {
    return [...this.#providers.values()];
  }

  get(id: string | undefined): OidcProviderConfig | undefined {
    if (id === undefined) {
      return this.#providers.size === 1 ? this.list()[0] : undefined;
    }
    return this.#providers.get(id);
  }

  get redirectUri(): string {
    return new URL(OIDC_CALLBACK_PATH, this.#options.publicUrl).toString();
  }

  get postLogoutUri(): string {
    return new URL(POST_LOGOUT_PATH, this.#options.publicUrl).toString();
  }

  /** The provider's metadata (discovery; the issuer it reports must be the configured one). */
  configuration(provider: OidcProviderConfig): Promise<client.Configuration> {
    let config = this.#configs.get(provider.id);
    if (!config) {
      config = this.#discover(provider);
      this.#configs.set(provider.id, config);
      config.catch(() => this.#configs.delete(provider.id));
    }
    return config;
  }

  async #discover(provider: OidcProviderConfig): Promise<client.Configuration> {
    const issuer = new URL(provider.issuer);
    const execute: ((c: client.Configuration) => void)[] = [
      // ID token signatures are checked against the provider's JWKS even though the token comes
      // straight from the token endpoint.
      client.enableNonRepudiationChecks,
    ];
    if (issuer.protocol === 'http:') {
      execute.push(client.allowInsecureRequests); // a provider configured with http:// (tests, labs)
    }
    return client.discovery(
      issuer,
      provider.clientId,
      { redirect_uris: [this.redirectUri], response_types: ['code'] },
      provider.clientSecret ? client.ClientSecretBasic(provider.clientSecret) : client.None(),
      {
        execute,
        timeout: 10,
        ...(this.#options.fetch ? { [client.customFetch]: this.#options.fetch } : {}),
      },
    );
  }

  /** The provider's authorization URL for a new sign-in (code flow, PKCE S256, state, nonce). */
  async authorizationUrl(
    provider: OidcProviderConfig,
    input: { state: string; nonce: string; codeVerifier: string },
  ): Promise<URL> {
    const config = await this.#configuration(provider);
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: provider.scopes,
      response_type: 'code',
      state: input.state,
      nonce: input.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(input.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Exchanges the callback's code (checking state, PKCE, and the ID token's signature, issuer,
   * audience, expiry and nonce) and maps the claims.
   * @throws OidcSignInError provider_error, token_rejected, provider_unavailable
   */
  async complete(
    provider: OidcProviderConfig,
    callbackQuery: string,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<OidcIdentity> {
    const config = await this.#configuration(provider);
    const url = new URL(`${this.redirectUri}?${callbackQuery}`);
    const error = url.searchParams.get('error');
    if (error) {
      const description = url.searchParams.get('error_description');
      throw new OidcSignInError(
        'provider_error',
        `The identity provider refused the sign-in: ${error.slice(0, 100)}${description ? ` (${description.slice(0, 300)})` : ''}`,
      );
    }
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new OidcSignInError('token_rejected', `The sign-in was refused: ${describe(err)}`);
    }
    const claims = tokens.claims();
    if (!claims) {
      throw new OidcSignInError('token_rejected', 'The provider returned no ID token');
    }
    let all: Record<string, unknown> = { ...claims };
    const { groups, email, name } = provider.claims;
    const missing = [groups, email, name].some((c) => !(c in all));
    if (missing && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      // Some providers (Keycloak without mappers, oidc-provider) put profile claims only in
      // userinfo: fill in what the ID token lacks (the ID token wins where both have a claim).
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        all = { ...info, ...all };
      } catch (err) {
        throw new OidcSignInError(
          'token_rejected',
          `The userinfo request failed: ${describe(err)}`,
        );
      }
    }
    const subject = all[provider.claims.subject];
    if (typeof subject !== 'string' || subject.length === 0) {
      throw new OidcSignInError(
        'token_rejected',
        `The ID token has no ${provider.claims.subject} claim to identify the user`,
      );
    }
    return {
      provider: provider.id,
      issuer: claims.iss,
      subject,
      email: typeof all[email] === 'string' ? all[email] : null,
      emailVerified: all.email_verified === true || all.email_verified === 'true',
      name: typeof all[name] === 'string' ? all[name] : null,
      groups: groupsOf(all[groups]),
    };
  }

  /** Where to send the browser to end the provider's session too (null: it has no such page). */
  async endSessionUrl(providerId: string): Promise<string | null> {
    const provider = this.#providers.get(providerId);
    if (!provider) {
      return null;
    }
    try {
      const config = await this.configuration(provider);
      if (!config.serverMetadata().end_session_endpoint) {
        return null;
      }
      return client
        .buildEndSessionUrl(config, {
          client_id: provider.clientId,
          post_logout_redirect_uri: this.postLogoutUri,
        })
        .toString();
    } catch {
      return null;
    }
  }

  async #configuration(provider: OidcProviderConfig): Promise<client.Configuration> {
    try {
      return await this.configuration(provider);
    } catch (err) {
      throw new OidcSignInError(
        'provider_unavailable',
        `The identity provider ${provider.id} cannot be reached or its metadata is wrong: ${describe(err)}`,
      );
    }
  }
}

/** A claim holding groups: an array of strings, or one string (some providers send that). */
function groupsOf(value: unknown): string[] | null {
  if (Array.isArray(value)) {
    return value.filter((g): g is string => typeof g === 'string');
  }
  if (typeof value === 'string') {
    return [value];
  }
  return null;
}

/**
 * An error's message, with its code and the message of its cause (oauth4webapi's, which names
 * the claim that failed). Never a token or a claim's value: those sit deeper in the cause,
 * which is not read.
 */
function describe(err: unknown): string {
  if (!(err instanceof Error)) {
    return 'unknown error';
  }
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? err.cause.message : null;
  return `${err.message}${cause && cause !== err.message ? `: ${cause}` : ''}${typeof code === 'string' ? ` [${code}]` : ''}`.slice(
    0,
    400,
  );
}
