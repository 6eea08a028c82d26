import {
  type CreateRolloutBody,
  type RolloutActionBody,
  RolloutDetailSchema,
  RolloutPlanSchema,
  RolloutSchema,
  type RolloutStatus,
  type RolloutWaveSpec,
} from '@commander/contracts';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

export const ROLLOUTS_PAGE_SIZE = 25;

export type RolloutsFilter = { status?: RolloutStatus; templateId?: string; page: number };

/**
 * Rollouts of a workspace. Live events of type `rollout` refresh everything under `all`
 * (`features/events/live-events.ts`), so the pages need no polling.
 */
export const rolloutQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'rollouts'] as const,
  /** Prefix of every page of the list. */
  lists: (slug: string) => [...rolloutQueries.all(slug), 'list'] as const,
  list: (slug: string, filter: RolloutsFilter) =>
    queryOptions({
      queryKey: [...rolloutQueries.lists(slug), filter] as const,
      queryFn: ({ signal }) =>
        api.list('/rollouts', {
          schema: RolloutSchema,
          workspace: slug,
          query: {
            status: filter.status,
            cluster_template_id: filter.templateId,
            limit: ROLLOUTS_PAGE_SIZE,
            offset: (filter.page - 1) * ROLLOUTS_PAGE_SIZE,
          },
          signal,
        }),
      placeholderData: keepPreviousData,
    }),
  one: (slug: string, id: string) =>
    queryOptions({
      queryKey: [...rolloutQueries.all(slug), 'one', id] as const,
      queryFn: ({ signal }) =>
        api.get(`/rollouts/${id}`, { schema: RolloutDetailSchema, workspace: slug, signal }),
    }),
};

/** The plan of a rollout (a dry run): what each chosen cluster would get, wave by wave. */
export function usePlanRollout(slug: string) {
  return useMutation({
    mutationFn: (body: CreateRolloutBody) =>
      api.post('/rollouts', {
        body: { ...body, dry_run: true },
        schema: RolloutPlanSchema,
        workspace: slug,
      }),
    meta: { notifyError: false },
  });
}

/** Creates and starts a rollout (the same body as its plan). */
export function useStartRollout(slug: string) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRolloutBody) =>
      api.post('/rollouts', {
        body: { ...body, dry_run: false },
        schema: RolloutDetailSchema,
        workspace: slug,
      }),
    meta: { successMessage: t('rollouts.started'), notifyError: false },
    onSuccess: (rollout) => {
      queryClient.setQueryData(rolloutQueries.one(slug, rollout.id).queryKey, rollout);
      return queryClient.invalidateQueries({ queryKey: rolloutQueries.all(slug) });
    },
  });
}

export type RolloutAction = 'pause' | 'resume' | 'abort';

/** Pause, resume or abort; the answer is the rollout as it is now. */
export function useRolloutAction(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; action: RolloutAction; body?: RolloutActionBody }) =>
      api.post(`/rollouts/${input.id}/${input.action}`, {
        body: input.body ?? {},
        schema: RolloutDetailSchema,
        workspace: slug,
      }),
    onSuccess: (rollout) => {
      queryClient.setQueryData(rolloutQueries.one(slug, rollout.id).queryKey, rollout);
      return queryClient.invalidateQueries({ queryKey: rolloutQueries.lists(slug) });
    },
  });
}

/** The wave presets the rollout dialog offers. */
export const WAVE_PRESETS: Record<'canary' | 'halves' | 'all', RolloutWaveSpec[]> = {
  canary: [{ size: 1 }, { percent: 10 }, { rest: true }],
  halves: [{ size: 1 }, { percent: 50 }, { rest: true }],
  all: [{ rest: true }],
};

/**
 * Parses waves written as a comma-separated list: a number is that many clusters, `N %` a
 * share of the changing clusters, `rest` all that remain (`1, 10 %, rest`). Null when a part
 * is not one of these.
 */
export function parseWaves(text: string): RolloutWaveSpec[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  if (parts.length === 0 || parts.length > 50) {
    return null;
  }
  const waves: RolloutWaveSpec[] = [];
  for (const part of parts) {
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(part);
    if (part === 'rest' || part === 'остальные') {
      waves.push({ rest: true });
    } else if (percent) {
      const value = Number(percent[1]);
      if (value < 0.1 || value > 100) {
        return null;
      }
      waves.push({ percent: value });
    } else if (/^\d+$/.test(part) && Number(part) >= 1 && Number(part) <= 10_000) {
      waves.push({ size: Number(part) });
    } else {
      return null;
    }
  }
  return waves;
}

/** Waves as the dialog writes them (`1, 10 %, rest`); explicit groups as their sizes. */
export function formatWaves(waves: RolloutWaveSpec[], restWord = 'rest'): string {
  return waves
    .map((w) =>
      'size' in w
        ? String(w.size)
        : 'percent' in w
          ? `${w.percent} %`
          : 'rest' in w
            ? restWord
            : `[${w.cluster_ids.length}]`,
    )
    .join(', ');
}
