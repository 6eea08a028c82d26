import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export type ConfirmByNameModalProps = {
  opened: boolean;
  onClose: () => void;
  title: string;
  description: React.ReactNode;
  /** What the user must type (the cluster's name). */
  expected: string;
  confirmLabel: string;
  onConfirm: () => void;
  isLoading?: boolean;
};

/** A destructive action confirmed by typing the object's name (UI.md). */
export function ConfirmByNameModal({
  opened,
  onClose,
  title,
  description,
  expected,
  confirmLabel,
  onConfirm,
  isLoading,
}: ConfirmByNameModalProps) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const close = () => {
    setTyped('');
    onClose();
  };
  const matches = typed === expected;
  return (
    <Modal opened={opened} onClose={close} title={title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (matches) {
            onConfirm();
          }
        }}
      >
        <Stack>
          <Text size="sm" component="div">
            {description}
          </Text>
          <TextInput
            label={t('confirm.typeName', { name: expected })}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" color="red" disabled={!matches} loading={isLoading}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
