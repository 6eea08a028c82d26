import { type Webhook, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@commander/contracts';
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { isApiError } from '../../../lib/api-client.js';
import { useSaveWebhook } from '../webhooks.api.js';

/** The signing secret, shown once after creation or rotation. */
export function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={secret !== null} onClose={onClose} title={t('webhooks.secret.title')} size="lg">
      <Stack gap="md">
        <Alert
          color="yellow"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          role="status"
        >
          {t('webhooks.secret.shownOnce')}
        </Alert>
        <Code
          block
          aria-label={t('webhooks.secret.value')}
          style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
        >
          {secret}
        </Code>
        <Text size="sm" c="dimmed">
          {t('webhooks.secret.howToVerify')}
        </Text>
        <Group justify="flex-end">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'teal' : undefined}
                leftSection={
                  copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />
                }
                onClick={copy}
              >
                {copied ? t('webhooks.secret.copied') : t('webhooks.secret.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            {t('actions.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Creates (webhook null) or edits a webhook: name, URL, event types, active. */
export function WebhookModal({
  slug,
  webhook,
  onClose,
  onCreated,
}: {
  slug: string;
  webhook: Webhook | null;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveWebhook(slug);
  const [name, setName] = useState(webhook?.name ?? '');
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [types, setTypes] = useState<WebhookEventType[]>(
    (webhook?.event_types ?? []).filter((e): e is WebhookEventType =>
      (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e),
    ),
  );
  const [active, setActive] = useState(webhook?.active ?? true);
  const forbidden = isApiError(save.error, 'webhook_target_forbidden');

  const submit = () => {
    save.mutate(
      {
        id: webhook?.id ?? null,
        body: {
          name: name.trim(),
          url: url.trim(),
          event_types: types,
          active,
          ...(webhook ? { current_revision: webhook.current_revision } : {}),
        },
      },
      {
        onSuccess: (saved) => {
          onClose();
          if (saved.secret) {
            onCreated(saved.secret);
          }
        },
      },
    );
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={webhook ? t('webhooks.edit.title') : t('webhooks.create.title')}
      size="lg"
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="md">
          <TextInput
            label={t('webhooks.fields.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={200}
          />
          <TextInput
            label={t('webhooks.fields.url')}
            description={t('webhooks.fields.urlHint')}
            placeholder="https://ci.example.com/hooks/commander"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            required
            error={forbidden ? t('webhooks.errors.forbidden') : undefined}
          />
          <Checkbox.Group
            label={t('webhooks.fields.events')}
            value={types}
            onChange={(value) => setTypes(value)}
            required
          >
            <Stack gap={6} mt={6}>
              {WEBHOOK_EVENT_TYPES.map((type) => (
                <Checkbox
                  key={type}
                  value={type}
                  label={t(
                    `webhooks.events.${type.replace(/^io\.commander\./, '').replaceAll('.', '_')}` as 'webhooks.events.agent_lost',
                  )}
                  description={type}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Switch
            label={t('webhooks.fields.active')}
            checked={active}
            onChange={(e) => setActive(e.currentTarget.checked)}
          />
          {save.error && !forbidden && (
            <ErrorAlert error={save.error} title={t('webhooks.saveFailed')} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={types.length === 0 || url.trim() === ''}
            >
              {webhook ? t('webhooks.edit.submit') : t('webhooks.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
