import type { CustomFetch } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';
import {
  decodeJwt,
  signInAtProvider,
  startTestProvider,
  type TestProvider,
} from './oidc/test-provider.js';

const PUBLIC_URL = 'http://commander.test';

/** What the next token response's ID token becomes (a man in the middle, or a broken IdP). */
type Tamper = (idToken: string, idp: TestProvider) => string;

/**
 * OpenID Connect sign-in against a real provider (npm oidc-provider) started here, driven like
 * a browser: Commander's login redirect, the provider's login page, the callback.
 */
describe('single sign-on (OpenID Connect)', () => {
  let idp: TestProvider;
  let tamper: Tamper | null = null;
  const tamperingFetch: CustomFetch = async (url, init) => {
    const res = await fetch(url, init);
    if (!tamper || !url.endsWith('/token')) {
      return res;
    }
    const body = (await res.json()) as { id_token: string };
    const forged = { ...body, id_token: tamper(body.id_token, idp) };
    return new Response(JSON.stringify(forged), {
      status: res.status,
      headers: { 'content-type': 'application/json' },
    });
  };

  beforeAll(async () => {
    idp = await startTestProvider({
      redirectUris: [`${PUBLIC_URL}/api/v1/auth/oidc/callback`],
      postLogoutRedirectUris: [`${PUBLIC_URL}/sign-in`],
    });
  });
  afterAll(async () => idp?.close());

  const t = useTestApp(
    () => ({
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_PROVIDER_NAME: 'Test IdP',
      COMMANDER_LOCAL_LOGIN: 'admin-only',
    }),
    () => ({ oidcFetch: tamperingFetch }),
  );

  let teamA: { id: string; slug: string };
  let teamB: { id: string; slug: string };

  beforeAll(async () => {
    const ws = async (slug: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/workspaces',
        headers: t.headers(t.globalToken),
        payload: { name: slug, slug },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string; slug: string }>();
    };
    teamA = await ws(`team-a-${t.suffix}`);
    teamB = await ws(`team-b-${t.suffix}`);
    // The IdP group is registered ahead of anyone's sign-in, and given a role in team A.
    const group = await t.app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: t.headers(t.globalToken),
      payload: { name: 'platform-ops', provider: 'oidc' },
    });
    expect(group.statusCode, group.body).toBe(201);
    const roles = await t.app.inject({
      url: '/api/v1/roles?scope=workspace',
      headers: t.headers(t.globalToken),
    });
    const operator = roles
      .json<{ id: string; name: string; scope: string }[]>()
      .find((r) => r.name === 'operator' && r.scope === 'workspace')!;
    const binding = await t.app.inject({
      method: 'POST',
      url: '/api/v1/role_bindings',
      headers: t.headers(t.globalToken),
      payload: { group_id: group.json().id, role_id: operator.id, workspace_id: teamA.id },
    });
    expect(binding.statusCode, binding.body).toBe(201);
    expect(binding.json()).toMatchObject({
      user_id: null,
      group_name: 'platform-ops',
      group_provider: 'oidc',
    });
  });

  /** Starts at Commander, signs in at the provider, and returns to Commander's callback. */
  async function startSignIn(login: string, returnTo = '/') {
    const start = await t.app.inject({
      url: `/api/v1/auth/oidc/login?return_to=${encodeURIComponent(returnTo)}`,
    });
    expect(start.statusCode, start.body).toBe(302);
    const location = String(start.headers.location);
    expect(location.startsWith(`${idp.issuer}/`)).toBe(true);
    const auth = new URL(location);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/api/v1/auth/oidc/callback`);
    const cookie = [start.headers['set-cookie']]
      .flat()
      .find((c) => String(c).startsWith('commander_oidc='));
    expect(String(cookie)).toMatch(/HttpOnly/i);
    expect(String(cookie)).toMatch(/SameSite=Lax/i);
    const binding = String(cookie).split(';')[0]!;
    const callback = new URL(await signInAtProvider(idp, location, login));
    expect(callback.origin + callback.pathname).toBe(`${PUBLIC_URL}/api/v1/auth/oidc/callback`);
    return { binding, callbackPath: callback.pathname + callback.search };
  }

  async function finish(flow: { binding: string; callbackPath: string }, cookie?: string) {
    return t.app.inject({
      url: flow.callbackPath,
      headers: { cookie: cookie ?? flow.binding },
    });
  }

  async function signIn(login: string, returnTo = '/') {
    const flow = await startSignIn(login, returnTo);
    const res = await finish(flow);
    expect(res.statusCode, res.body).toBe(302);
    const session = [res.headers['set-cookie']]
      .flat()
      .find((c) => String(c).startsWith('commander_session='));
    return { res, flow, cookie: session ? String(session).split(';')[0]! : null };
  }

  function failureOf(res: { statusCode: number; headers: Record<string, unknown> }): string | null {
    expect(res.statusCode).toBe(302);
    return new URL(String(res.headers.location), PUBLIC_URL).searchParams.get('sso_error');
  }

  async function lastFailure() {
    const row = await t.db.auditEvent.findFirst({
      where: { action: 'login_failed' },
      orderBy: { ts: 'desc' },
    });
    return row?.changes as { reason: string; message: string } | undefined;
  }

  it('lists the provider on the public providers endpoint', async () => {
    const res = await t.app.inject({ url: '/api/v1/auth/providers' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      local_login: 'admin-only',
      providers: [
        { id: 'oidc', name: 'Test IdP', login_url: '/api/v1/auth/oidc/login?provider=oidc' },
      ],
    });
  });

  it('signs a new user in through the provider; their IdP group grants its workspace role', async () => {
    idp.accounts.set('alice-sub', {
      email: 'alice@corp.example',
      email_verified: true,
      name: 'Alice Ops',
      groups: ['platform-ops', 'everyone'],
    });
    const { res, cookie } = await signIn('alice-sub', `/w/${teamA.slug}/clusters`);
    expect(res.headers.location).toBe(`/w/${teamA.slug}/clusters`);
    expect(cookie).not.toBeNull();
    expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Strict/i);

    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookie! } });
    expect(me.statusCode).toBe(200);
    const body = me.json<{
      user: { email: string; name: string };
      workspaces: { slug: string; permissions: string[] }[];
    }>();
    expect(body.user).toMatchObject({ email: 'alice@corp.example', name: 'Alice Ops' });
    const inA = body.workspaces.find((w) => w.slug === teamA.slug);
    expect(inA?.permissions).toContain('clusters:write');
    expect(body.workspaces.find((w) => w.slug === teamB.slug)).toBeUndefined();

    // Granted in team A, refused in team B.
    const listA = await t.app.inject({
      url: '/api/v1/clusters',
      headers: { cookie: cookie!, 'x-workspace': teamA.slug },
    });
    expect(listA.statusCode).toBe(200);
    const listB = await t.app.inject({
      url: '/api/v1/clusters',
      headers: { cookie: cookie!, 'x-workspace': teamB.slug },
    });
    expect(listB.statusCode).toBe(403);

    // The account is linked by issuer + subject and shows its groups and their origin.
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'alice@corp.example' } });
    const shown = await t.app.inject({
      url: `/api/v1/users/${user.id}`,
      headers: t.headers(t.globalToken),
    });
    expect(shown.json()).toMatchObject({
      identities: [{ provider: 'oidc', issuer: idp.issuer, subject: 'alice-sub' }],
    });
    expect(shown.json<{ groups: { name: string }[] }>().groups.map((g) => g.name)).toEqual([
      'everyone',
      'platform-ops',
    ]);
    const effective = await t.app.inject({
      url: `/api/v1/users/${user.id}/effective_bindings`,
      headers: t.headers(t.globalToken),
    });
    expect(effective.json()).toEqual([
      expect.objectContaining({
        role_name: 'operator',
        workspace_slug: teamA.slug,
        via: 'group',
        group_name: 'platform-ops',
        group_provider: 'oidc',
        permissions: expect.arrayContaining(['clusters:write']),
      }),
    ]);

    // Audited with issuer and subject; no code or token anywhere in the audit log.
    const login = await t.db.auditEvent.findFirst({
      where: { action: 'login', auditableId: user.id },
      orderBy: { ts: 'desc' },
    });
    expect(login?.changes).toMatchObject({
      provider: 'oidc',
      issuer: idp.issuer,
      subject: 'alice-sub',
      created: true,
    });
    const everything = JSON.stringify(t.auditLines);
    expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT
    expect(everything).not.toMatch(/[?&]code=/);
  });

  it('refreshes groups at every sign-in: removed from the group, the role is gone', async () => {
    idp.accounts.set('bob-sub', {
      email: 'bob@corp.example',
      email_verified: true,
      groups: ['platform-ops'],
    });
    const first = await signIn('bob-sub');
    const inA = async (cookie: string) =>
      (
        await t.app.inject({
          url: '/api/v1/clusters',
          headers: { cookie, 'x-workspace': teamA.slug },
        })
      ).statusCode;
    expect(await inA(first.cookie!)).toBe(200);
    idp.accounts.set('bob-sub', { email: 'bob@corp.example', groups: ['someone-else'] });
    const second = await signIn('bob-sub');
    expect(await inA(second.cookie!)).toBe(403);
    // Membership lives in the database, so the older session sees the change too.
    expect(await inA(first.cookie!)).toBe(403);
    const users = await t.db.user.findMany({ where: { email: 'bob@corp.example' } });
    expect(users).toHaveLength(1); // the same account, found by issuer + subject
  });

  it('works for a user in 500 groups (memberships in the database, not in the cookie)', async () => {
    const groups = Array.from({ length: 500 }, (_, i) => `big-group-${String(i).padStart(3, '0')}`);
    idp.accounts.set('carol-sub', {
      email: 'carol@corp.example',
      groups: [...groups, 'platform-ops'],
    });
    const { cookie, res } = await signIn('carol-sub');
    expect(String(res.headers['set-cookie']).length).toBeLessThan(1000);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'carol@corp.example' } });
    expect(await t.db.groupMember.count({ where: { userId: user.id } })).toBe(501);
    const me = await t.app.inject({
      url: '/api/v1/clusters',
      headers: { cookie: cookie!, 'x-workspace': teamA.slug },
    });
    expect(me.statusCode).toBe(200);
    const shown = await t.app.inject({
      url: `/api/v1/users/${user.id}`,
      headers: t.headers(t.globalToken),
    });
    expect(shown.json<{ groups: unknown[] }>().groups).toHaveLength(501);
    // A second sign-in with the same groups changes nothing and still works.
    const again = await signIn('carol-sub');
    expect(again.cookie).not.toBeNull();
  });

  it('refuses a replayed callback (the state is single use)', async () => {
    idp.accounts.set('dave-sub', { email: 'dave@corp.example' });
    const flow = await startSignIn('dave-sub');
    const ok = await finish(flow);
    expect(failureOf(ok)).toBeNull();
    const replay = await finish(flow);
    expect(failureOf(replay)).toBe('invalid_state');
    expect(await lastFailure()).toMatchObject({ reason: 'invalid_state' });
    expect([replay.headers['set-cookie']].flat().join()).not.toMatch(/commander_session=[^;]/);
  });

  it('refuses an expired state', async () => {
    idp.accounts.set('erin-sub', { email: 'erin@corp.example' });
    const flow = await startSignIn('erin-sub');
    await t.db.oidcLoginState.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(failureOf(await finish(flow))).toBe('state_expired');
  });

  it('refuses a callback in a browser that did not start the sign-in', async () => {
    idp.accounts.set('erin-sub', { email: 'erin@corp.example' });
    const flow = await startSignIn('erin-sub');
    expect(failureOf(await finish(flow, 'commander_oidc=someone-elses'))).toBe('wrong_browser');
    expect(
      failureOf(await finish({ ...flow, callbackPath: '/api/v1/auth/oidc/callback?code=x' })),
    ).toBe('invalid_state');
  });

  it('refuses the provider error response', async () => {
    const flow = await startSignIn('erin-sub');
    const state = new URL(flow.callbackPath, PUBLIC_URL).searchParams.get('state')!;
    const res = await finish({
      ...flow,
      callbackPath: `/api/v1/auth/oidc/callback?error=access_denied&state=${state}`,
    });
    expect(failureOf(res)).toBe('provider_error');
    expect((await lastFailure())?.message).toMatch(/access_denied/);
  });

  describe('ID tokens that must be refused', () => {
    async function refusedWith(forge: Tamper): Promise<string> {
      idp.accounts.set('mallory-sub', { email: 'mallory@corp.example', groups: ['platform-ops'] });
      const flow = await startSignIn('mallory-sub');
      tamper = forge;
      try {
        const res = await finish(flow);
        expect(failureOf(res)).toBe('token_rejected');
        expect([res.headers['set-cookie']].flat().join()).not.toMatch(/commander_session=[^;]/);
      } finally {
        tamper = null;
      }
      const failure = await lastFailure();
      expect(failure?.reason).toBe('token_rejected');
      expect(failure?.message).not.toMatch(/eyJ/);
      return failure!.message;
    }

    function resign(changes: Record<string, unknown>): Tamper {
      return (idToken, provider) => {
        const { header, payload } = decodeJwt(idToken);
        return provider.sign(header, { ...payload, ...changes });
      };
    }

    it('a wrong issuer', async () => {
      expect(await refusedWith(resign({ iss: 'http://evil.example' }))).toMatch(/iss/);
    });

    it('a wrong audience', async () => {
      expect(await refusedWith(resign({ aud: 'another-client' }))).toMatch(/aud/);
    });

    it('a bad nonce', async () => {
      expect(await refusedWith(resign({ nonce: 'not-the-nonce' }))).toMatch(/nonce/);
    });

    it('an expired ID token', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      expect(await refusedWith(resign({ exp: past, iat: past - 60 }))).toMatch(/exp/);
    });

    it('a tampered ID token (payload changed, signature not)', async () => {
      const message = await refusedWith((idToken) => {
        const [h, p, s] = idToken.split('.');
        const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<
          string,
          unknown
        >;
        payload.sub = 'admin';
        return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      });
      expect(message).toMatch(/signature/i);
      expect(await t.db.userIdentity.count({ where: { subject: 'admin' } })).toBe(0);
    });
  });

  it('password sign-in is limited to administrators (COMMANDER_LOCAL_LOGIN=admin-only)', async () => {
    const admin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: t.adminPassword },
      remoteAddress: '10.9.0.1',
    });
    expect(admin.statusCode).toBe(200);
    const adminMe = await t.app.inject({
      url: '/api/v1/auth/me',
      headers: { cookie: String(admin.headers['set-cookie']).split(';')[0]! },
    });
    expect(adminMe.json().user.has_password).toBe(true);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.headers(t.globalToken),
      payload: { email: 'local@corp.example', name: 'Local', password: 'a long enough password' },
    });
    const local = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'local@corp.example', password: 'a long enough password' },
      remoteAddress: '10.9.0.2',
    });
    expect(local.statusCode).toBe(403);
    expect(local.json().error.code).toBe('local_login_disabled');
    // An SSO-only account has no password that could match.
    const sso = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'alice@corp.example', password: '!sso' },
      remoteAddress: '10.9.0.3',
    });
    expect(sso.statusCode).toBe(401);
  });

  it('an administrator ends a user’s sessions; sign-out leads to the provider’s logout', async () => {
    idp.accounts.set('frank-sub', { email: 'frank@corp.example', groups: ['platform-ops'] });
    const { cookie } = await signIn('frank-sub');
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'frank@corp.example' } });
    const viewer = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const refused = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${user.id}/sessions`,
      headers: t.headers(viewer),
    });
    expect(refused.statusCode).toBe(403);
    const ended = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${user.id}/sessions`,
      headers: t.headers(t.globalToken),
    });
    expect(ended.json()).toEqual({ ended: 1 });
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookie! } });
    expect(me.statusCode).toBe(401);

    const again = await signIn('frank-sub');
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: again.cookie! },
    });
    expect(out.statusCode).toBe(200);
    const logoutUrl = new URL(out.json<{ logout_url: string }>().logout_url);
    expect(logoutUrl.origin).toBe(idp.issuer);
    expect(logoutUrl.searchParams.get('client_id')).toBe(idp.clientId);
    expect(logoutUrl.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/sign-in`);
    const provider = await fetch(logoutUrl, { redirect: 'manual' });
    expect(provider.status).toBe(200); // the provider's "sign out?" confirmation page
  });

  it('an account that signs in through the provider has no password to change', async () => {
    const { cookie } = await signIn('alice-sub');
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookie! } });
    // The web app offers no "Change password" to it.
    expect(me.json().user.has_password).toBe(false);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: cookie!, 'x-csrf-token': me.json<{ csrf_token: string }>().csrf_token },
      payload: { current_password: '!sso', new_password: 'a brand new password' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/identity provider/);
  });

  it('refuses an open redirect after sign-in', async () => {
    for (const returnTo of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const res = await t.app.inject({
        url: `/api/v1/auth/oidc/login?return_to=${encodeURIComponent(returnTo)}`,
      });
      expect(res.statusCode, returnTo).toBe(400);
    }
  });
});
