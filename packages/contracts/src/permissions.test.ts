import { describe, expect, it } from 'vitest';

import {
  GLOBAL_PERMISSIONS,
  grants,
  isWorkspacePermission,
  permissionsOf,
  WORKSPACE_PERMISSIONS,
} from './permissions.js';

/** The one permission rule, used by the API's checks and the web app's menus alike. */
describe('permissions', () => {
  it('a write grants the matching read, except revealing secrets; sets and arrays agree', () => {
    for (const held of [new Set(['clusters:write']), ['clusters:write']]) {
      expect(grants(held, 'clusters:write')).toBe(true);
      expect(grants(held, 'clusters:read')).toBe(true);
      expect(grants(held, 'catalogs:read')).toBe(false);
    }
    expect(grants(['clusters:write'], 'clusters:secrets:read')).toBe(false);
    expect(grants(['clusters:secrets:read'], 'clusters:secrets:read')).toBe(true);
    expect(grants([], 'clusters:read')).toBe(false);
  });

  it('lists each permission once, in one scope', () => {
    const all = [...GLOBAL_PERMISSIONS, ...WORKSPACE_PERMISSIONS];
    expect(new Set(all).size).toBe(all.length);
    expect(permissionsOf('global')).toEqual(GLOBAL_PERMISSIONS);
    expect(permissionsOf('workspace')).toEqual(WORKSPACE_PERMISSIONS);
    expect(WORKSPACE_PERMISSIONS.every(isWorkspacePermission)).toBe(true);
    expect(GLOBAL_PERMISSIONS.some(isWorkspacePermission)).toBe(false);
  });
});
