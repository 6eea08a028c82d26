import { Button, Menu } from '@mantine/core';
import {
  IconBuildingWarehouse,
  IconCheck,
  IconChevronDown,
  IconLayoutGrid,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import {
  ALL_WORKSPACES_PATH,
  useCurrentWorkspace,
} from '../../features/workspaces/use-workspace.js';

/** Which workspace we are in; switching keeps the user in the same section (clusters). */
export function WorkspaceSwitcher() {
  const { t } = useTranslation();
  const { slug, workspace, me } = useCurrentWorkspace();
  const workspaces = me?.workspaces ?? [];
  const current = workspace?.name ?? t('workspaces.choose');
  return (
    <Menu position="bottom-start" width={260}>
      <Menu.Target>
        <Button
          variant="default"
          leftSection={<IconBuildingWarehouse size={16} aria-hidden />}
          rightSection={<IconChevronDown size={14} aria-hidden />}
          aria-label={t('shell.workspaceSwitcher', { workspace: current })}
          miw={0}
          maw="100%"
          styles={{ label: { overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0 } }}
        >
          {current}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('shell.workspaces')}</Menu.Label>
        {workspaces.map((w) => (
          <Menu.Item
            key={w.id}
            component={Link}
            to={`/w/${w.slug}/clusters`}
            rightSection={w.slug === slug ? <IconCheck size={14} aria-hidden /> : null}
            aria-current={w.slug === slug ? 'true' : undefined}
          >
            {w.name}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item
          component={Link}
          to={ALL_WORKSPACES_PATH}
          leftSection={<IconLayoutGrid size={14} aria-hidden />}
        >
          {t('workspaces.all')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
