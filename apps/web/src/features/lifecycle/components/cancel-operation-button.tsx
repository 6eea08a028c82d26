import type { Operation } from '@commander/contracts';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlayerStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { operationKindWord } from '../../operations/operation-words.js';
import { canCancel, useCancelOperation } from '../lifecycle.api.js';

/** Cancels a queued operation at once, a running one at dhctl's next step (after a confirm). */
export function CancelOperationButton({
  slug,
  clusterId,
  operation,
}: {
  slug: string;
  clusterId: string;
  operation: Operation;
}) {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const cancel = useCancelOperation(slug, clusterId);
  if (!canCancel(operation)) {
    return null;
  }
  const kind = operationKindWord(operation.kind, t);
  return (
    <>
      <Button
        size="xs"
        color="red"
        variant="outline"
        leftSection={<IconPlayerStop size={14} aria-hidden />}
        onClick={open}
      >
        {t('lifecycle.cancel.button')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('lifecycle.cancel.title', { kind })}>
        <Stack>
          <Text size="sm">
            {operation.status === 'queued'
              ? t('lifecycle.cancel.queuedDescription')
              : t('lifecycle.cancel.runningDescription')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('lifecycle.cancel.keep')}
            </Button>
            <Button
              color="red"
              loading={cancel.isPending}
              onClick={() => cancel.mutate(operation.id, { onSuccess: close })}
            >
              {t('lifecycle.cancel.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
