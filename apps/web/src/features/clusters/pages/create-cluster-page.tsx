import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { PageBreadcrumbs } from '../../../components/ui/page-breadcrumbs.js';
import { useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { CreateClusterForm } from '../components/create-cluster-form.js';

export function CreateClusterPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  return (
    <Stack gap="lg">
      <PageBreadcrumbs
        items={[
          { label: t('clusters.title'), to: `/w/${slug}/clusters` },
          { label: t('clusters.create.title') },
        ]}
      />
      <Stack gap={4}>
        <Title order={1}>{t('clusters.create.title')}</Title>
        <Text c="dimmed">{t('clusters.create.subtitle')}</Text>
      </Stack>
      <CreateClusterForm slug={slug} />
    </Stack>
  );
}
