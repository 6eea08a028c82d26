import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { meFixture } from '../../test/fixtures.js';
import { renderRoutes } from '../../test/render.js';
import { UserMenu } from './user-menu.js';

/** Opens the menu and answers the names of its items once "Sign out" shows. */
async function menuItems(hasPassword: boolean): Promise<string[]> {
  const me = meFixture();
  renderRoutes({
    me: { ...me, user: { ...me.user!, has_password: hasPassword } },
    path: '/',
    routes: [{ path: '/', element: <UserMenu /> }],
  });
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: /Admin/ }));
  let names: string[] = [];
  await waitFor(() => {
    names = screen.queryAllByRole('menuitem').map((e) => e.textContent ?? '');
    expect(names.some((n) => /sign out/i.test(n))).toBe(true);
  });
  return names;
}

describe('user menu', () => {
  it('offers to change the password of an account that has one', async () => {
    expect((await menuItems(true)).some((n) => /password/i.test(n))).toBe(true);
  });

  it('does not offer it to an account that signs in only through its identity provider', async () => {
    expect((await menuItems(false)).some((n) => /password/i.test(n))).toBe(false);
  });
});
