import type { Group } from '@commander/contracts';
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Where a group comes from: a badge. */
export function GroupSource({ group }: { group: Pick<Group, 'provider'> }) {
  const { t } = useTranslation();
  return group.provider === 'local' ? (
    <Badge variant="light" color="gray" tt="none">
      {t('identity.groups.local')}
    </Badge>
  ) : (
    <Badge variant="light" color="grape" tt="none">
      {t('identity.groups.fromProvider', { provider: group.provider })}
    </Badge>
  );
}
