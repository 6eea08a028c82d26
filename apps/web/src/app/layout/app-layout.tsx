import { Anchor, AppShell, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBook2,
  IconBox,
  IconDatabase,
  IconExternalLink,
  IconHistory,
  IconKey,
  IconRocket,
  IconServer2,
  IconTemplate,
  IconUsers,
  IconWebhook,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';

import { useWorkspaceSlug } from '../../features/workspaces/use-workspace.js';
import { ColorSchemeToggle } from './color-scheme-toggle.js';
import { UserMenu } from './user-menu.js';
import { WorkspaceSwitcher } from './workspace-switcher.js';

function WorkspaceNav({ slug, onNavigate }: { slug: string; onNavigate: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const item = (to: string, label: string, icon: React.ReactNode) => (
    <NavLink
      component={RouterNavLink}
      to={to}
      label={label}
      leftSection={icon}
      active={pathname === to || pathname.startsWith(`${to}/`)}
      onClick={onNavigate}
    />
  );
  return (
    <nav aria-label={t('nav.label')}>
      {item(`/w/${slug}/clusters`, t('nav.clusters'), <IconServer2 size={18} aria-hidden />)}
      {item(`/w/${slug}/templates`, t('nav.templates'), <IconTemplate size={18} aria-hidden />)}
      {item(`/w/${slug}/rollouts`, t('rollouts.title'), <IconRocket size={18} aria-hidden />)}
      {item(`/w/${slug}/inventory`, t('inventory.title'), <IconDatabase size={18} aria-hidden />)}
      {item(`/w/${slug}/registries`, t('registries.title'), <IconBox size={18} aria-hidden />)}
      {item(`/w/${slug}/audit`, t('workspaceNav.audit'), <IconHistory size={18} aria-hidden />)}
      <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4}>
        {t('nav.settings')}
      </Text>
      {item(
        `/w/${slug}/settings/members`,
        t('workspaceNav.members'),
        <IconUsers size={18} aria-hidden />,
      )}
      {item(`/w/${slug}/settings/tokens`, t('nav.apiTokens'), <IconKey size={18} aria-hidden />)}
      {item(`/w/${slug}/webhooks`, t('webhooks.title'), <IconWebhook size={18} aria-hidden />)}
      <NavLink
        href="/documentation"
        target="_blank"
        rel="noreferrer"
        label={t('nav.apiDocs')}
        leftSection={<IconBook2 size={18} aria-hidden />}
        rightSection={<IconExternalLink size={14} aria-hidden />}
      />
    </nav>
  );
}

/** The shell of every signed-in page: header (workspace, theme, user) and, in a workspace, the navigation. */
export function AppLayout() {
  const { t } = useTranslation();
  const slug = useWorkspaceSlug();
  const [opened, { toggle, close }] = useDisclosure(false);
  const hasNav = slug !== null;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{
        width: 256,
        breakpoint: 'sm',
        collapsed: { mobile: !opened || !hasNav, desktop: !hasNav },
      }}
      padding="lg"
    >
      <a href="#main" className="skip-link">
        {t('shell.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          {/* On a phone the left side shrinks (the workspace name is cut), never the user menu. */}
          <Group gap="md" wrap="nowrap" miw={0} style={{ flexShrink: 1 }}>
            {hasNav && (
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={t('shell.toggleNav')}
              />
            )}
            <Anchor
              component={Link}
              to="/"
              underline="never"
              c="var(--mantine-color-text)"
              fw={700}
              fz="lg"
              visibleFrom="xs"
            >
              {t('shell.product')}
            </Anchor>
            <WorkspaceSwitcher />
          </Group>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      {hasNav && (
        <AppShell.Navbar p="sm">
          <AppShell.Section grow component={ScrollArea}>
            <WorkspaceNav slug={slug} onNavigate={close} />
          </AppShell.Section>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
