import { Button, EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet } from 'react-router';

import { useLiveEvents } from '../../features/events/live-events.js';
import {
  ALL_WORKSPACES_PATH,
  useCurrentWorkspace,
} from '../../features/workspaces/use-workspace.js';

function LiveWorkspace({ slug }: { slug: string }) {
  useLiveEvents(slug);
  return <Outlet />;
}

/** Everything under `/w/:slug`: checks the user may enter, keeps its data live. */
export function WorkspaceLayout() {
  const { t } = useTranslation();
  const { slug, workspace } = useCurrentWorkspace();
  if (slug === null || workspace === null) {
    return (
      <EmptyState
        icon={<IconLock size={32} aria-hidden />}
        title={t('workspaces.noAccessTitle')}
        description={t('workspaces.noAccessDescription', { slug })}
      >
        <EmptyState.Actions>
          <Button component={Link} to={ALL_WORKSPACES_PATH} variant="default">
            {t('workspaces.all')}
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  return <LiveWorkspace key={slug} slug={slug} />;
}
