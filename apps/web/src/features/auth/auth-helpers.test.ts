import { describe, expect, it } from 'vitest';

import { meFixture } from '../../test/fixtures.js';
import { canGlobally, canInWorkspace } from './permissions.js';
import { safeNextPath, signInPath } from './sign-in-path.js';

describe('sign-in paths', () => {
  it('remembers where to return and why', () => {
    expect(signInPath('/w/a/clusters?status=new', 'session_expired')).toBe(
      '/sign-in?next=%2Fw%2Fa%2Fclusters%3Fstatus%3Dnew&reason=session_expired',
    );
    expect(signInPath('/')).toBe('/sign-in');
  });

  it('only returns to paths of this site', () => {
    expect(safeNextPath('/w/a/clusters')).toBe('/w/a/clusters');
    expect(safeNextPath('//evil.example.com/x')).toBe('/');
    expect(safeNextPath('https://evil.example.com')).toBe('/');
    expect(safeNextPath('/sign-in?next=/x')).toBe('/');
    expect(safeNextPath(null)).toBe('/');
  });
});

describe('permissions', () => {
  it('checks workspace permissions, a write implying its read', () => {
    const me = meFixture({
      workspaces: [
        {
          id: '00000000-0000-4000-8000-0000000000aa',
          slug: 'a',
          name: 'A',
          permissions: ['clusters:write'],
        },
      ],
    });
    expect(canInWorkspace(me, 'a', 'clusters:write')).toBe(true);
    expect(canInWorkspace(me, 'a', 'clusters:read')).toBe(true);
    expect(canInWorkspace(me, 'a', 'workspace_tokens:read')).toBe(false);
    expect(canInWorkspace(me, 'b', 'clusters:read')).toBe(false);
    expect(canInWorkspace(undefined, 'a', 'clusters:read')).toBe(false);
  });

  it('never lets a write imply revealing secrets', () => {
    const me = meFixture({ global_permissions: ['workspaces:write', 'clusters:secrets:write'] });
    expect(canGlobally(me, 'workspaces:read')).toBe(true);
    expect(canGlobally(me, 'clusters:secrets:read')).toBe(false);
  });
});
