import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { PageHeader } from '../../../components/ui/page-header.js';
import { authQueries } from '../../auth/auth.api.js';
import { canGlobally } from '../../auth/permissions.js';
import { CreateTokenModal } from '../../auth-tokens/components/create-token-modal.js';
import { TokenList } from '../../auth-tokens/components/token-list.js';

/** `/settings/tokens`: global API tokens (they manage workspaces, users and roles). */
export function GlobalTokensPage() {
  const { t } = useTranslation();
  const me = useQuery(authQueries.me());
  const [opened, { open, close }] = useDisclosure(false);
  const canWrite = canGlobally(me.data, 'global_tokens:write');
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('identity.tokens.title')}
        subtitle={
          <Text c="dimmed" maw={720}>
            {t('identity.tokens.subtitle')}{' '}
            <Anchor href="/documentation" target="_blank" rel="noreferrer">
              {t('nav.apiDocs')}
            </Anchor>
          </Text>
        }
        actions={
          <>
            {canWrite && (
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
                {t('tokens.create')}
              </Button>
            )}
          </>
        }
      />
      {canGlobally(me.data, 'global_tokens:read') ? (
        <TokenList slug={null} canWrite={canWrite} />
      ) : (
        <Text c="dimmed">{t('identity.tokens.noAccess')}</Text>
      )}
      {canWrite && <CreateTokenModal slug={null} opened={opened} onClose={close} />}
    </Stack>
  );
}
