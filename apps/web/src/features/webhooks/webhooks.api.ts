import {
  type Webhook,
  WebhookDeliverySchema,
  type WebhookEventType,
  WebhookSchema,
  WebhookWithSecretSchema,
} from '@commander/contracts';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

export const DELIVERIES_PAGE_SIZE = 25;

export const webhookQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'webhooks'] as const,
  list: (slug: string) =>
    queryOptions({
      queryKey: [...webhookQueries.all(slug), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/webhooks', { schema: WebhookSchema, workspace: slug, signal }),
    }),
  one: (slug: string, id: string) =>
    queryOptions({
      queryKey: [...webhookQueries.all(slug), 'one', id] as const,
      queryFn: ({ signal }) =>
        api.get(`/webhooks/${id}`, { schema: WebhookSchema, workspace: slug, signal }),
    }),
  deliveries: (slug: string, id: string, page: number) =>
    queryOptions({
      queryKey: [...webhookQueries.all(slug), 'deliveries', id, page] as const,
      queryFn: ({ signal }) =>
        api.list(
          `/webhooks/${id}/deliveries?limit=${DELIVERIES_PAGE_SIZE}&offset=${(page - 1) * DELIVERIES_PAGE_SIZE}`,
          { schema: WebhookDeliverySchema, workspace: slug, signal },
        ),
      placeholderData: keepPreviousData,
      // Pending deliveries move on their own (the managers retry them).
      refetchInterval: 5_000,
    }),
};

export type WebhookInput = {
  name: string;
  url: string;
  event_types: WebhookEventType[];
  active: boolean;
  current_revision?: number;
};

function useInvalidate(slug: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: webhookQueries.all(slug) });
}

/** Creates (id null: the answer carries the secret, shown once) or changes a webhook. */
export function useSaveWebhook(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (input: {
      id: string | null;
      body: WebhookInput;
    }): Promise<Webhook & { secret?: string }> =>
      input.id === null
        ? api.post('/webhooks', {
            body: input.body,
            schema: WebhookWithSecretSchema,
            workspace: slug,
          })
        : api.put(`/webhooks/${input.id}`, {
            body: input.body,
            schema: WebhookSchema,
            workspace: slug,
          }),
    meta: { successMessage: t('webhooks.saved'), notifyError: false },
    onSuccess: invalidate,
  });
}

export function useDeleteWebhook(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (id: string) =>
      api.delete(`/webhooks/${id}`, { schema: z.null(), workspace: slug }),
    meta: { successMessage: t('webhooks.deleted') },
    onSuccess: invalidate,
  });
}

export function useRotateWebhookSecret(slug: string) {
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (id: string) =>
      api.post(`/webhooks/${id}/rotate_secret`, {
        schema: WebhookWithSecretSchema,
        workspace: slug,
      }),
    onSuccess: invalidate,
  });
}

export function usePingWebhook(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (id: string) =>
      api.post(`/webhooks/${id}/ping`, { schema: WebhookDeliverySchema, workspace: slug }),
    meta: { successMessage: t('webhooks.pingQueued') },
    onSuccess: invalidate,
  });
}

export function useRedeliver(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (input: { webhookId: string; deliveryId: string }) =>
      api.post(`/webhooks/${input.webhookId}/deliveries/${input.deliveryId}/redeliver`, {
        schema: WebhookDeliverySchema,
        workspace: slug,
      }),
    meta: { successMessage: t('webhooks.redeliverQueued') },
    onSuccess: invalidate,
  });
}
