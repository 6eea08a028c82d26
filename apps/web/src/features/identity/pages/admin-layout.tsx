import { Box, EmptyState, Group, NavLink, Stack } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';

import { ADMIN_PAGES } from '../../auth/admin-area.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';

/** `/settings/*`: the installation's administration, with its own navigation. */
export function AdminLayout() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const { pathname } = useLocation();
  const pages = ADMIN_PAGES.filter((p) => canGlobally(me.data, p.permission));
  if (pages.length === 0) {
    return (
      <EmptyState
        icon={<IconLock size={32} aria-hidden />}
        title={t('admin.noAccessTitle')}
        description={t('admin.noAccessDescription')}
      />
    );
  }
  if (pathname === '/settings' || pathname === '/settings/') {
    return <Navigate to={`/settings/${pages[0]?.path ?? 'users'}`} replace />;
  }
  return (
    <Group align="flex-start" gap="xl" wrap="nowrap">
      <Stack component="nav" aria-label={t('admin.nav')} gap={2} w={220} style={{ flexShrink: 0 }}>
        {pages.map((page) => {
          const Icon = page.icon;
          const to = `/settings/${page.path}`;
          return (
            <NavLink
              key={page.path}
              component={RouterNavLink}
              to={to}
              label={t(`admin.pages.${page.path}`)}
              leftSection={<Icon size={18} aria-hidden />}
              active={pathname === to || pathname.startsWith(`${to}/`)}
            />
          );
        })}
      </Stack>
      <Box flex={1} miw={0}>
        <Outlet />
      </Box>
    </Group>
  );
}
