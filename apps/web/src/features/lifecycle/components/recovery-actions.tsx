import type { Cluster } from '@commander/contracts';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArchive, IconArrowBackUp } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { ConfirmByNameModal } from '../../../components/ui/confirm-by-name-modal.js';
import {
  canArchiveWithoutCleanup,
  canRollback,
  useArchiveWithoutCleanup,
  useRollback,
} from '../lifecycle.api.js';

/**
 * Recovery after a failure: "Archive without cleanup" when the deletion failed (the record is
 * archived, the infrastructure left as it is) and "Roll back" when a change failed to apply
 * (converges to the last applied configuration, or asks for approval in manual mode). Each asks
 * for confirmation; nothing is shown to readers or in other states.
 */
export function RecoveryActions({
  slug,
  cluster,
  canWrite,
}: {
  slug: string;
  cluster: Cluster;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [archiveOpened, archiveModal] = useDisclosure(false);
  const [rollbackOpened, rollbackModal] = useDisclosure(false);
  const archive = useArchiveWithoutCleanup(slug, cluster.id);
  const rollback = useRollback(slug, cluster.id);
  const showArchive = canWrite && canArchiveWithoutCleanup(cluster);
  const showRollback = canWrite && canRollback(cluster);
  if (!showArchive && !showRollback) {
    return null;
  }
  return (
    <Alert color="orange" variant="light" title={t('lifecycle.recovery.title')}>
      <Group justify="space-between" align="center">
        <Text size="sm">
          {showArchive ? t('lifecycle.archiveWithoutCleanup.hint') : t('lifecycle.rollback.hint')}
        </Text>
        <Group gap="xs">
          {showRollback && (
            <Button
              variant="outline"
              leftSection={<IconArrowBackUp size={16} aria-hidden />}
              onClick={rollbackModal.open}
            >
              {t('lifecycle.rollback.button')}
            </Button>
          )}
          {showArchive && (
            <Button
              color="red"
              variant="outline"
              leftSection={<IconArchive size={16} aria-hidden />}
              onClick={archiveModal.open}
            >
              {t('lifecycle.archiveWithoutCleanup.button')}
            </Button>
          )}
        </Group>
      </Group>
      <ConfirmByNameModal
        opened={archiveOpened}
        onClose={archiveModal.close}
        title={t('lifecycle.archiveWithoutCleanup.title', { name: cluster.name })}
        description={t('lifecycle.archiveWithoutCleanup.description')}
        expected={cluster.name}
        confirmLabel={t('lifecycle.archiveWithoutCleanup.confirm')}
        isLoading={archive.isPending}
        onConfirm={() =>
          archive.mutate(undefined, {
            onSuccess: () => {
              archiveModal.close();
              void navigate(`/w/${slug}/clusters`);
            },
          })
        }
      />
      <Modal
        opened={rollbackOpened}
        onClose={rollbackModal.close}
        title={t('lifecycle.rollback.title', { name: cluster.name })}
      >
        <Stack>
          <Text size="sm">
            {cluster.settings.change_mode === 'manual'
              ? t('lifecycle.rollback.descriptionManual')
              : t('lifecycle.rollback.descriptionAuto')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={rollbackModal.close}>
              {t('actions.cancel')}
            </Button>
            <Button
              loading={rollback.isPending}
              onClick={() => rollback.mutate(undefined, { onSuccess: rollbackModal.close })}
            >
              {t('lifecycle.rollback.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Alert>
  );
}
