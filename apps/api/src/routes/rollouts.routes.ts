import {
  CreateRolloutBodySchema,
  IdParamsSchema,
  ListRolloutsQuerySchema,
  RolloutActionBodySchema,
  RolloutDetailSchema,
  RolloutPlanSchema,
  RolloutSchema,
} from '@commander/contracts';
import { actOnRollout, createRollout, getRollout, listRollouts } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Staged rollouts of a template version (issue 16). */
export const rolloutRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { permission: 'rollouts:read' } as const;
  const write = { permission: 'rollouts:write' } as const;
  const tags = ['rollouts'];
  app.get(
    '/',
    {
      config: read,
      schema: {
        tags,
        summary:
          'List rollouts, newest first (?status=, ?cluster_template_id=, ?limit=, ?offset=); total in X-Total-Count',
        querystring: ListRolloutsQuerySchema,
        response: { 200: z.array(RolloutSchema) },
      },
    },
    async (request, reply) => {
      const page = await listRollouts(request.ctx, request.query);
      void reply.header('X-Total-Count', String(page.total));
      return page.items;
    },
  );
  app.post(
    '/',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Plan (dry_run: true, 200) or create and start (201) a staged rollout of a template version over its clusters (all, a filter, or a list). 422: a cluster does not render with the target; 409 conflict: a cluster is in another unfinished rollout',
        body: CreateRolloutBodySchema,
        response: { 200: RolloutPlanSchema, 201: RolloutDetailSchema },
      },
    },
    async (request, reply) => {
      const result = await createRollout(request.ctx, request.body);
      return result.dryRun
        ? reply.code(200).send(result.plan)
        : reply.code(201).send(result.rollout);
    },
  );
  app.get(
    '/:id',
    {
      config: { ...read, revisioned: true },
      schema: {
        tags,
        summary: 'A rollout with its waves and each cluster state',
        params: IdParamsSchema,
        response: { 200: RolloutDetailSchema },
      },
    },
    async (request) => getRollout(request.ctx, request.params.id),
  );
  for (const action of ['pause', 'resume', 'abort'] as const) {
    app.post(
      `/:id/${action}`,
      {
        config: write,
        schema: {
          tags,
          summary: {
            pause:
              'Pause: no new cluster starts (those under way go on). 409 invalid_state unless running',
            resume:
              'Resume a paused rollout: failed clusters of the current wave are tried again. 409 invalid_state unless paused',
            abort:
              'Abort: the rollout ends; clusters already moved stay as they are. 409 invalid_state when finished',
          }[action],
          params: IdParamsSchema,
          body: RolloutActionBodySchema.nullish(),
          response: { 200: RolloutDetailSchema },
        },
      },
      async (request) =>
        actOnRollout(request.ctx, request.params.id, action, request.body ?? undefined),
    );
  }
};
