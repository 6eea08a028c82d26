import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { PageHeader } from '../../../components/ui/page-header.js';
import { useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { CreateClusterForm } from '../components/create-cluster-form.js';

export function CreateClusterPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  return (
    <Stack gap="lg">
      <PageHeader
        breadcrumbs={[
          { label: t('clusters.title'), to: `/w/${slug}/clusters` },
          { label: t('clusters.create.title') },
        ]}
        title={t('clusters.create.title')}
        subtitle={t('clusters.create.subtitle')}
      />
      <CreateClusterForm slug={slug} />
    </Stack>
  );
}
