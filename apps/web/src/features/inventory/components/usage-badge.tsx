import type { Catalog } from '@commander/contracts';
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A catalog's usage as a badge: shared records serve many clusters, exclusive ones one. */
export function UsageBadge({ usage }: { usage: Catalog['usage'] }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={usage === 'exclusive' ? 'grape' : 'blue'} tt="none">
      {usage === 'exclusive' ? t('inventory.usage.exclusive') : t('inventory.usage.shared')}
    </Badge>
  );
}
