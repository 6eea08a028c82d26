import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { PageHeader } from '../../../components/ui/page-header.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { CreateTokenModal } from '../components/create-token-modal.js';
import { TokenList } from '../components/token-list.js';

/** Settings → API tokens of the workspace. */
export function ApiTokensPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me } = useCurrentWorkspace();
  const [opened, { open, close }] = useDisclosure(false);
  const canWrite = canInWorkspace(me, slug, 'workspace_tokens:write');
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('tokens.title')}
        subtitle={
          <Text c="dimmed" maw={720}>
            {t('tokens.subtitle')}{' '}
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
      {canInWorkspace(me, slug, 'workspace_tokens:read') ? (
        <TokenList slug={slug} canWrite={canWrite} />
      ) : (
        <Text c="dimmed">{t('tokens.noAccess')}</Text>
      )}
      {canWrite && <CreateTokenModal slug={slug} opened={opened} onClose={close} />}
    </Stack>
  );
}
