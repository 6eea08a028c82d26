import { bootstrapClient, expect, test, unwrap } from '../../fixtures.js';
import { OIDC } from '../../playwright.config.js';

/**
 * Single sign-on through a real OpenID provider (started by e2e/oidc-setup.ts): the user signs
 * in on the provider's own login page, lands in the workspace their IdP group is given a role
 * in, and is refused what that role does not grant.
 */
test('signs in through the identity provider; its group grants one workspace', async ({
  page,
  shot,
}) => {
  const admin = bootstrapClient();
  const slug = `sso-${Date.now().toString(36)}`;
  const ws = await unwrap(admin.POST('/api/v1/workspaces/', { body: { name: 'SSO team', slug } }));
  // The IdP group is registered before anyone in it signs in, and given the operator role.
  const group = await admin.POST('/api/v1/groups/', {
    body: { name: OIDC.group, provider: OIDC.providerId },
  });
  let groupId = group.data?.id;
  if (!groupId) {
    // Registered by an earlier run against the same system.
    expect(group.response.status).toBe(409);
    const groups = await unwrap(
      admin.GET('/api/v1/groups/', { params: { query: { provider: OIDC.providerId } } }),
    );
    groupId = groups.find((g) => g.name === OIDC.group)!.id;
  }
  const roles = await unwrap(
    admin.GET('/api/v1/roles/', { params: { query: { scope: 'workspace' } } }),
  );
  await unwrap(
    admin.POST('/api/v1/role_bindings/', {
      body: {
        group_id: groupId,
        role_id: roles.find((r) => r.name === 'operator')!.id,
        workspace_id: ws.id,
      },
    }),
  );

  // Wanting a page of the workspace leads to the sign-in page and its SSO button.
  await page.goto(`/w/${slug}/clusters`);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await shot(page, 'sign-in');
  await page.getByRole('link', { name: `Sign in with ${OIDC.providerName}` }).click();

  // The provider's own login page.
  await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${OIDC.port}/`));
  await page.locator('input[name="login"]').fill(OIDC.user);
  await page.locator('input[name="password"]').fill('any password will do');
  await page.getByRole('button', { name: 'Sign-in' }).click();

  // Back in Commander, in the workspace the group grants.
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/clusters$`));
  await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible();
  await shot(page, 'landed');

  // The default workspace is not theirs, nor the administration.
  await page.goto('/w/default/clusters');
  await expect(page.getByText('Workspace not available')).toBeVisible();
  await page.goto('/settings/users');
  await expect(page.getByText('No access to administration')).toBeVisible();
});
