import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { meFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { SignInPage } from '../pages/sign-in-page.js';

// Password sign-in only, unless a test says otherwise.
beforeEach(() => {
  server.use(
    http.get('*/api/v1/auth/providers', () =>
      HttpResponse.json({ local_login: 'on', providers: [] }),
    ),
  );
});

function renderSignIn(path = '/sign-in') {
  return renderRoutes({
    path,
    routes: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/w/:slug/clusters', element: <p>Clusters of the workspace</p> },
      { path: '/', element: <p>Start page</p> },
    ],
  });
}

async function submit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/^email/i), email);
  await user.type(screen.getByLabelText(/^password/i), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in page', () => {
  it('shows the API refusing a wrong password and stays on the page', async () => {
    server.use(
      http.post('*/api/v1/auth/login', () =>
        HttpResponse.json(
          { error: { code: 'unauthorized', message: 'Wrong email or password' } },
          { status: 401 },
        ),
      ),
    );
    renderSignIn();
    await submit('admin@example.com', 'nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password.');
    expect(screen.getByRole('heading', { name: 'Sign in to Commander' })).toBeInTheDocument();
  });

  it('explains the rate limit (429)', async () => {
    server.use(
      http.post('*/api/v1/auth/login', () =>
        HttpResponse.json(
          { error: { code: 'rate_limited', message: 'Rate limit exceeded, retry in 1 minute' } },
          { status: 429 },
        ),
      ),
    );
    renderSignIn();
    await submit('admin@example.com', 'secret');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many sign-in attempts. Wait a minute and try again.',
    );
  });

  it('shows other API errors with their message', async () => {
    server.use(
      http.post('*/api/v1/auth/login', () =>
        HttpResponse.json(
          { error: { code: 'internal', message: 'Internal server error' } },
          { status: 500 },
        ),
      ),
    );
    renderSignIn();
    await submit('admin@example.com', 'secret');
    expect(await screen.findByRole('alert')).toHaveTextContent('Internal server error');
  });

  it('validates empty fields without calling the API', async () => {
    let called = false;
    server.use(
      http.post('*/api/v1/auth/login', () => {
        called = true;
        return HttpResponse.json(meFixture());
      }),
    );
    renderSignIn();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText(/^email/i)).toHaveAccessibleDescription('Required');
    expect(screen.getByLabelText(/^password/i)).toHaveAccessibleDescription('Required');
    expect(called).toBe(false);
  });

  it('says why the user must sign in again, then returns to the page they wanted', async () => {
    let body: unknown = null;
    server.use(
      http.post('*/api/v1/auth/login', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(meFixture());
      }),
    );
    const { router } = renderSignIn(
      '/sign-in?next=%2Fw%2Fdefault%2Fclusters&reason=session_expired',
    );
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired.');
    await submit('  admin@example.com ', 'secret');
    expect(await screen.findByText('Clusters of the workspace')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/w/default/clusters');
    expect(body).toEqual({ email: 'admin@example.com', password: 'secret' });
  });

  it('never follows a next parameter off the site', async () => {
    server.use(http.post('*/api/v1/auth/login', () => HttpResponse.json(meFixture())));
    const { router } = renderSignIn('/sign-in?next=%2F%2Fevil.example.com');
    await submit('admin@example.com', 'secret');
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
  });
});

describe('single sign-on on the sign-in page', () => {
  function providers(localLogin: 'on' | 'admin-only' | 'off') {
    server.use(
      http.get('*/api/v1/auth/providers', () =>
        HttpResponse.json({
          local_login: localLogin,
          providers: [
            { id: 'corp', name: 'Corp SSO', login_url: '/api/v1/auth/oidc/login?provider=corp' },
          ],
        }),
      ),
    );
  }

  it('offers "Sign in with <provider>", returning to the page the user wanted', async () => {
    providers('admin-only');
    renderSignIn('/sign-in?next=%2Fw%2Fteam%2Fclusters');
    const link = await screen.findByRole('link', { name: 'Sign in with Corp SSO' });
    expect(link).toHaveAttribute(
      'href',
      '/api/v1/auth/oidc/login?provider=corp&return_to=%2Fw%2Fteam%2Fclusters',
    );
    expect(screen.getByText(/for administrators only/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^email/i)).toBeInTheDocument();
  });

  it('hides the password form when password sign-in is off, and explains a refused callback', async () => {
    providers('off');
    renderSignIn('/sign-in?sso_error=invalid_state');
    await screen.findByRole('link', { name: 'Sign in with Corp SSO' });
    expect(screen.getByRole('alert')).toHaveTextContent(/already used/);
    expect(screen.queryByLabelText(/^email/i)).not.toBeInTheDocument();
  });
});
