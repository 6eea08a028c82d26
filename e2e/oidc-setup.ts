import { startTestProvider } from '../apps/api/test/oidc/test-provider.js';
import { E2E, OIDC } from './playwright.config.js';

/**
 * A real OpenID provider (npm oidc-provider, the one the integration tests use) for the single
 * sign-on spec, on a fixed port the web server's OIDC_* configuration names. Its login page
 * accepts any password; the accounts below are who may sign in.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const provider = await startTestProvider({
    port: OIDC.port,
    clientId: OIDC.clientId,
    clientSecret: OIDC.clientSecret,
    redirectUris: [`${E2E.baseURL}/api/v1/auth/oidc/callback`],
    postLogoutRedirectUris: [`${E2E.baseURL}/sign-in`],
  });
  provider.accounts.set(OIDC.user, {
    email: `${OIDC.user}@idp.e2e.test`,
    email_verified: true,
    name: 'Sso Operator',
    groups: [OIDC.group, 'everyone'],
  });
  return () => provider.close();
}
