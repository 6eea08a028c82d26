import type { TFunction } from 'i18next';

const BUILT_IN = {
  global: ['admin', 'viewer'],
  workspace: ['admin', 'operator', 'viewer'],
} as const;

/**
 * A role's description in the user's language: built-in roles' own words come from the
 * translations (the API sends English), custom roles' as their authors wrote them.
 */
export function roleDescription(
  role: { name: string; scope: string; is_built_in: boolean; description: string },
  t: TFunction,
): string {
  if (role.is_built_in && (role.scope === 'global' || role.scope === 'workspace')) {
    const names: readonly string[] = BUILT_IN[role.scope];
    if (names.includes(role.name)) {
      return t(`builtInRoles.${role.scope}.${role.name}` as 'builtInRoles.global.admin');
    }
  }
  return role.description;
}
