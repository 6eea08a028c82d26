import { Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus, IconSettings } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';

import { PageHeader } from '../../../components/ui/page-header.js';
import { useHasAdminArea } from '../../auth/admin-area.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { WorkspaceCards } from '../components/workspace-cards.js';

// Loaded when first opened: the form library stays out of the first screen's script.
const CreateWorkspaceModal = lazy(async () => ({
  default: (await import('../../workspaces/components/create-workspace-modal.js'))
    .CreateWorkspaceModal,
}));

/**
 * Start page: the workspaces the user can enter. With exactly one, `/` (where sign-in lands)
 * goes straight into it; `?all=1` shows the page all the same.
 */
export function StartPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const [params] = useSearchParams();
  const [opened, { open: openModal, close }] = useDisclosure(false);
  // Mounted from the first opening on (and kept, for its closing transition).
  const [wanted, setWanted] = useState(false);
  const open = () => {
    setWanted(true);
    openModal();
  };
  const canCreate = canGlobally(me.data, 'workspaces:write');
  const hasAdminArea = useHasAdminArea();
  const only = me.data?.workspaces.length === 1 ? me.data.workspaces[0] : undefined;
  if (only && !params.has('all')) {
    return <Navigate replace to={`/w/${only.slug}/clusters`} />;
  }
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('workspaces.title')}
        subtitle={t('workspaces.subtitle')}
        actions={
          <>
            {hasAdminArea && (
              <Button
                component={Link}
                to="/settings"
                variant="default"
                leftSection={<IconSettings size={16} aria-hidden />}
              >
                {t('admin.menuItem')}
              </Button>
            )}
            {canCreate && (
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
                {t('workspaces.create')}
              </Button>
            )}
          </>
        }
      />
      <WorkspaceCards />
      {canCreate && wanted && (
        <Suspense fallback={null}>
          <CreateWorkspaceModal opened={opened} onClose={close} />
        </Suspense>
      )}
    </Stack>
  );
}
