import { EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** What an audit view shows to someone without audit:read (or workspace_audit:read). */
export function NoAuditAccess() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={<IconLock size={32} aria-hidden />}
      title={t('audit.noAccessTitle')}
      description={t('audit.noAccessDescription')}
    />
  );
}
