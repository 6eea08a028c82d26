import type { Role } from '@commander/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { server } from '../../../test/msw-server.js';
import { renderWithProviders } from '../../../test/render.js';
import { RoleForm } from './role-form.js';
import { CreateUserModal } from './user-forms.js';

const NOW = '2026-11-28T12:00:00.000Z';

describe('create user', () => {
  it('validates as the user types, then creates the user', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post('*/api/v1/users', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(
          {
            id: '00000000-0000-4000-8000-0000000000e1',
            email: 'ops@example.com',
            name: 'Ops',
            is_disabled: false,
            last_seen_at: null,
            created_at: NOW,
            updated_at: NOW,
            global_roles: [],
            workspace_roles: [],
            groups: [],
            identities: [],
          },
          { status: 201 },
        );
      }),
    );
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<CreateUserModal opened onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Create a user' });
    const email = within(dialog).getByRole('textbox', { name: /Email/ });
    await user.type(email, 'ops@');
    expect(within(dialog).getByText('Enter an email address')).toBeInTheDocument();
    await user.type(email, 'example.com');
    expect(within(dialog).queryByText('Enter an email address')).not.toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'Ops');
    const password = within(dialog).getByLabelText(/^Password/);
    await user.type(password, 'short');
    expect(within(dialog).getByText('At least 12 characters')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(bodies).toEqual([]);
    await user.type(password, '-but-long-now');
    expect(within(dialog).queryByText('At least 12 characters')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() =>
      expect(bodies).toEqual([
        { email: 'ops@example.com', name: 'Ops', password: 'short-but-long-now' },
      ]),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('shows a taken email next to the field', async () => {
    server.use(
      http.post('*/api/v1/users', () =>
        HttpResponse.json(
          { error: { code: 'conflict', message: 'A user with this email already exists' } },
          { status: 409 },
        ),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<CreateUserModal opened onClose={() => undefined} />);
    const dialog = await screen.findByRole('dialog', { name: 'Create a user' });
    await user.type(within(dialog).getByRole('textbox', { name: /Email/ }), 'a@example.com');
    await user.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'A');
    await user.type(within(dialog).getByLabelText(/^Password/), 'twelve-chars-ok');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(
      await within(dialog).findByText('A user with this email already exists'),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: /Email/ })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
  });
});

describe('role form', () => {
  it('offers the permissions of the chosen scope and needs at least one', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(
      <RoleForm
        readOnly={false}
        isPending={false}
        onSubmit={onSubmit}
        onCancel={() => undefined}
      />,
    );
    const form = screen.getByRole('form', { name: 'Create a role' });
    await user.type(within(form).getByRole('textbox', { name: /Name/ }), 'Bad Name');
    expect(
      within(form).getByText(/^Lowercase letters, digits and dashes/, {
        selector: '.mantine-TextInput-error',
      }),
    ).toBeInTheDocument();
    await user.clear(within(form).getByRole('textbox', { name: /Name/ }));
    await user.type(within(form).getByRole('textbox', { name: /Name/ }), 'deployer');
    expect(within(form).getByRole('checkbox', { name: 'clusters:write' })).toBeInTheDocument();
    expect(within(form).queryByRole('checkbox', { name: 'users:write' })).not.toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Create role' }));
    expect(within(form).getByText('Choose at least one permission')).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();

    await user.click(within(form).getByRole('checkbox', { name: 'clusters:write' }));
    // Switching the scope clears permissions that do not apply there.
    await user.click(within(form).getByRole('radio', { name: /^Global/ }));
    expect(within(form).getByRole('checkbox', { name: 'users:write' })).not.toBeChecked();
    expect(
      within(form).queryByRole('checkbox', { name: 'clusters:write' }),
    ).not.toBeInTheDocument();
    await user.click(within(form).getByRole('checkbox', { name: 'audit:read' }));
    await user.click(within(form).getByRole('button', { name: 'Create role' }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: 'deployer',
      scope: 'global',
      description: '',
      permissions: ['audit:read'],
    });
  });

  it('shows a built-in role read-only', () => {
    const role: Role = {
      id: '00000000-0000-4000-8000-0000000000f1',
      name: 'viewer',
      scope: 'workspace',
      description: 'Reads everything',
      permissions: ['clusters:read'],
      is_built_in: true,
      created_at: NOW,
      updated_at: NOW,
    };
    renderWithProviders(
      <RoleForm
        role={role}
        readOnly
        isPending={false}
        onSubmit={() => undefined}
        onCancel={() => undefined}
      />,
    );
    const form = screen.getByRole('form', { name: 'Role viewer' });
    expect(within(form).getByRole('checkbox', { name: 'clusters:read' })).toBeChecked();
    expect(within(form).getByRole('checkbox', { name: 'clusters:read' })).toBeDisabled();
    expect(within(form).getByRole('textbox', { name: /Name/ })).toBeDisabled();
    expect(within(form).queryByRole('button', { name: 'Save role' })).not.toBeInTheDocument();
  });
});
