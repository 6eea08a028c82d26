import type { Webhook } from '@commander/contracts';
import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Active, or disabled (by a person, or automatically after a failure streak: the reason). */
export function WebhookStateBadge({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  if (webhook.active) {
    return (
      <Badge variant="light" color="teal" tt="none">
        {t('webhooks.state.active')}
      </Badge>
    );
  }
  const badge = (
    <Badge variant="light" color={webhook.disabled_reason ? 'red' : 'gray'} tt="none">
      {webhook.disabled_reason ? t('webhooks.state.autoDisabled') : t('webhooks.state.paused')}
    </Badge>
  );
  return webhook.disabled_reason ? (
    <Tooltip label={webhook.disabled_reason} multiline w={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
