import { bootstrapClient, expect, test, unwrap } from '../../fixtures.js';

/**
 * The administration area, as an administrator uses it: create a user, give them a role in a
 * workspace, define a custom role, rename and delete a workspace; then the new user signs in,
 * sees only their workspace, and changes their password.
 */
test('administer users, roles and workspaces; a new member changes their password', async ({
  page,
  signIn,
  shot,
}) => {
  const suffix = Date.now().toString(36);
  const email = `ops-${suffix}@e2e.test`;
  const password = 'first-password-12';

  // A spare workspace to rename and delete (global token: workspaces are global objects).
  await unwrap(
    bootstrapClient().POST('/api/v1/workspaces/', {
      body: { name: `Spare ${suffix}`, slug: `spare-${suffix}` },
    }),
  );

  await signIn(page);
  await page.getByRole('button', { name: /^User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Administration' }).click();
  await expect(page).toHaveURL(/\/settings\/users$/);
  const nav = page.getByRole('navigation', { name: 'Administration' });
  await expect(nav.getByRole('link', { name: 'Roles' })).toBeVisible();

  // Users: create one.
  await page.getByRole('button', { name: 'Create user' }).click();
  const create = page.getByRole('dialog', { name: 'Create a user' });
  await create.getByRole('textbox', { name: 'Email' }).fill(email);
  await create.getByRole('textbox', { name: 'Name' }).fill('Ops Person');
  await create.getByRole('textbox', { name: 'Password', exact: true }).fill('short');
  await expect(create.getByText('At least 12 characters', { exact: true })).toBeVisible();
  await create.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await create.getByRole('button', { name: 'Create user' }).click();
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('row').filter({ hasText: email })).toContainText('Active');

  // Their role in the default workspace.
  await users.getByRole('link', { name: 'Ops Person' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ops Person' })).toBeVisible();
  const workspaceRoles = page.getByRole('region', { name: 'Workspace roles' });
  await workspaceRoles.getByRole('combobox', { name: 'Workspace' }).click();
  await page.getByRole('option', { name: 'Default' }).click();
  await workspaceRoles.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'operator' }).click();
  await workspaceRoles.getByRole('button', { name: 'Add to workspace' }).click();
  await expect(workspaceRoles.getByRole('table', { name: 'Workspace roles' })).toContainText(
    'Default',
  );
  await expect(workspaceRoles.getByRole('combobox', { name: 'Role in Default' })).toHaveValue(
    'operator',
  );
  await shot(page, 'user');

  // A custom role with chosen permissions; built-in roles are read-only.
  await nav.getByRole('link', { name: 'Roles' }).click();
  const roles = page.getByRole('table', { name: 'Roles' });
  await expect(roles.getByRole('button', { name: 'View role admin (Global)' })).toBeVisible();
  await page.getByRole('button', { name: 'Create role' }).click();
  const roleDialog = page.getByRole('dialog', { name: 'Create a role' });
  await roleDialog.getByRole('textbox', { name: 'Name' }).fill(`deployer-${suffix}`);
  await roleDialog.getByRole('checkbox', { name: 'clusters:write' }).check();
  await roleDialog.getByRole('checkbox', { name: 'cluster_templates:read' }).check();
  await roleDialog.getByRole('button', { name: 'Create role' }).click();
  const customRow = roles.getByRole('row').filter({ hasText: `deployer-${suffix}` });
  await expect(customRow).toContainText('2 permissions');
  await shot(page, 'roles');
  await customRow.getByRole('button', { name: /^Delete role/ }).click();
  await page
    .getByRole('dialog', { name: `Delete role deployer-${suffix}?` })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(customRow).toHaveCount(0);

  // Global API tokens reuse the token page.
  await nav.getByRole('link', { name: 'Global API tokens' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Global API tokens' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create token' })).toBeVisible();

  // Workspaces: rename, then delete by typing the slug.
  await nav.getByRole('link', { name: 'Workspaces' }).click();
  await page.getByRole('button', { name: `Rename workspace Spare ${suffix}` }).click();
  const rename = page.getByRole('dialog', { name: `Rename workspace Spare ${suffix}` });
  await rename.getByRole('textbox', { name: 'Name' }).fill(`Renamed ${suffix}`);
  await rename.getByRole('button', { name: 'Rename' }).click();
  const workspaces = page.getByRole('table', { name: 'Workspaces' });
  await expect(workspaces).toContainText(`Renamed ${suffix}`);
  await page.getByRole('button', { name: `Delete workspace Renamed ${suffix}` }).click();
  const remove = page.getByRole('dialog', { name: `Delete workspace Renamed ${suffix}?` });
  await remove
    .getByRole('textbox', { name: `Type spare-${suffix} to confirm` })
    .fill(`spare-${suffix}`);
  await remove.getByRole('button', { name: 'Delete' }).click();
  await expect(workspaces).not.toContainText(`Renamed ${suffix}`);
  await shot(page, 'workspaces');

  // The workspace's members page lists the new member.
  await page.goto('/w/default/settings/members');
  await expect(
    page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: email }),
  ).toBeVisible();

  // The new member signs in, has no administration, and changes their password.
  await page.getByRole('button', { name: /^User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /^User menu/ }).click();
  await expect(page.getByRole('menuitem', { name: 'Administration' })).toHaveCount(0);
  await page.getByRole('menuitem', { name: 'Change password' }).click();
  const change = page.getByRole('dialog', { name: 'Change your password' });
  await change
    .getByRole('textbox', { name: 'Current password', exact: true })
    .fill('wrong-password-00');
  await change
    .getByRole('textbox', { name: 'New password', exact: true })
    .fill('second-password-34');
  await change
    .getByRole('textbox', { name: 'Repeat the new password', exact: true })
    .fill('second-password-34');
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(change.getByText('The current password is wrong')).toBeVisible();
  await change.getByRole('textbox', { name: 'Current password', exact: true }).fill(password);
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed')).toBeVisible();
  await expect(change).toBeHidden();
});
