import { Avatar, Button, Menu, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconLanguage, IconLock, IconLogout, IconSettings } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { useHasAdminArea } from '../../features/auth/admin-area.js';
import { authQueries, useLogout } from '../../features/auth/auth.api.js';
import { changeLanguage, type Language, SUPPORTED_LANGUAGES } from '../../i18n/i18n.js';

// Loaded when first opened: the form library stays out of the first screen's script.
const ChangePasswordModal = lazy(async () => ({
  default: (await import('../../features/identity/components/change-password-modal.js'))
    .ChangePasswordModal,
}));

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ru: 'Русский' };

/** The signed-in user: language, administration, password and sign-out. */
export function UserMenu() {
  const { t, i18n } = useTranslation();
  const me = useQuery(authQueries.me());
  const logout = useLogout();
  const navigate = useNavigate();
  const user = me.data?.user;
  const label = user?.name || user?.email || t('shell.user');
  const hasAdminArea = useHasAdminArea();
  const [passwordOpened, { open, close: closePassword }] = useDisclosure(false);
  // Mounted from the first opening on (and kept, for its closing transition).
  const [passwordWanted, setPasswordWanted] = useState(false);
  const openPassword = () => {
    setPasswordWanted(true);
    open();
  };
  return (
    <>
      <Menu position="bottom-end" width={220}>
        <Menu.Target>
          <Button
            variant="subtle"
            color="gray"
            aria-label={t('shell.userMenu', { user: label })}
            leftSection={
              <Avatar size="sm" radius="xl" color="indigo" aria-hidden>
                {label.slice(0, 1).toUpperCase()}
              </Avatar>
            }
          >
            <Text size="sm" visibleFrom="sm" truncate maw={180}>
              {label}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {user && <Menu.Label>{user.email}</Menu.Label>}
          <Menu.Label>
            <IconLanguage size={12} aria-hidden /> {t('shell.language')}
          </Menu.Label>
          {SUPPORTED_LANGUAGES.map((language) => (
            <Menu.Item
              key={language}
              lang={language}
              rightSection={i18n.language === language ? <IconCheck size={14} aria-hidden /> : null}
              aria-current={i18n.language === language ? 'true' : undefined}
              onClick={() => void changeLanguage(i18n, language)}
            >
              {LANGUAGE_NAMES[language]}
            </Menu.Item>
          ))}
          <Menu.Divider />
          {hasAdminArea && (
            <Menu.Item
              component={Link}
              to="/settings"
              leftSection={<IconSettings size={14} aria-hidden />}
            >
              {t('admin.menuItem')}
            </Menu.Item>
          )}
          {user?.has_password && (
            <Menu.Item leftSection={<IconLock size={14} aria-hidden />} onClick={openPassword}>
              {t('password.menuItem')}
            </Menu.Item>
          )}
          <Menu.Divider />
          <Menu.Item
            color="red"
            leftSection={<IconLogout size={14} aria-hidden />}
            onClick={() =>
              logout.mutate(undefined, {
                onSettled: () => void navigate('/sign-in', { replace: true }),
              })
            }
          >
            {t('shell.signOut')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {passwordWanted && (
        <Suspense fallback={null}>
          <ChangePasswordModal opened={passwordOpened} onClose={closePassword} />
        </Suspense>
      )}
    </>
  );
}
