import type { Cluster } from '@commander/contracts';
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ConfirmByNameModal } from '../../../components/ui/confirm-by-name-modal.js';
import { useDeleteCluster } from '../../cluster-shared/clusters.api.js';

/** Deletes the cluster after the user types its name; the page then shows status "delete". */
export function DeleteClusterButton({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const remove = useDeleteCluster(slug);
  return (
    <>
      <Button
        color="red"
        variant="outline"
        leftSection={<IconTrash size={16} aria-hidden />}
        onClick={open}
      >
        {t('clusters.delete.button')}
      </Button>
      <ConfirmByNameModal
        opened={opened}
        onClose={close}
        title={t('clusters.delete.title', { name: cluster.name })}
        description={t('clusters.delete.description')}
        expected={cluster.name}
        confirmLabel={t('clusters.delete.confirm')}
        isLoading={remove.isPending}
        onConfirm={() => remove.mutate(cluster.id, { onSuccess: close })}
      />
    </>
  );
}
