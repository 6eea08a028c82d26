import type { AuthToken } from '@commander/contracts';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderRoutes } from '../../../test/render.js';
import { TokenListView } from './token-list.js';

const token: AuthToken = {
  id: '00000000-0000-4000-8000-0000000000a1',
  name: 'ci-pipeline',
  workspace_id: '00000000-0000-4000-8000-0000000000aa',
  scope: 'write',
  prefix: 'cmdr_api_ab',
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  permissions: ['clusters:read', 'workspace_tokens:read', 'workspace_tokens:write'],
  created_by: 'vera@example.com',
  created_at: '2026-12-01T10:00:00.000Z',
};

describe('TokenListView', () => {
  it('shows the permissions fixed when each token was issued', async () => {
    renderRoutes({
      routes: [
        {
          path: '/',
          element: (
            <TokenListView
              tokens={[token]}
              canWrite={false}
              isRevoking={false}
              onRevoke={() => undefined}
            />
          ),
        },
      ],
      path: '/',
    });
    expect(await screen.findByText('ci-pipeline')).toBeInTheDocument();
    expect(screen.getByTestId('token-permissions')).toHaveTextContent(
      'Permissions: clusters:read, workspace_tokens:read, workspace_tokens:write',
    );
  });
});
