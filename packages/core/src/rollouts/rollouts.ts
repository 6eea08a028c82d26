import {
  type CreateRolloutBodySchema,
  ListRolloutsQuerySchema,
  type Rollout,
  RolloutActionBodySchema,
  type RolloutCluster,
  type RolloutClusterState,
  type RolloutDetail,
  type RolloutPlan,
  type RolloutStatus,
  type RolloutWaveSpec,
} from '@commander/contracts';
import type {
  DbOrTx,
  Prisma,
  Rollout as RolloutRow,
  RolloutCluster as RolloutClusterRow,
  Tx,
} from '@commander/db';
import type { z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requirePermission } from '../require-permission.js';
import { enqueueTask } from '../tasks/enqueue.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { computeRolloutPlan } from './plan-rollout.js';

/** Rollouts that still hold their clusters (a cluster is in at most one of them). */
export const ACTIVE_ROLLOUT_STATUSES: RolloutStatus[] = ['planned', 'running', 'paused'];

/** States of a cluster whose wave is under way and that is not finished. */
export const IN_FLIGHT_STATES: RolloutClusterState[] = ['updating', 'awaiting_approval', 'soaking'];

type RowWithRefs = RolloutRow & {
  clusterTemplate: { name: string };
  clusterTemplateVersion: { number: number };
};
type ClusterRowWithRefs = RolloutClusterRow & { cluster: { name: string; status: string } };

const REFS = {
  clusterTemplate: { select: { name: true } },
  clusterTemplateVersion: { select: { number: true } },
} as const;

/** The job key of a rollout's advance task: one pending job per rollout. */
export function rolloutJobKey(id: string): string {
  return `rollout:${id}`;
}

/** Queues the rollout's advance task (replacing a pending one) at `runAt`. */
export async function scheduleRolloutAdvance(
  db: DbOrTx,
  rolloutId: string,
  runAt?: Date,
): Promise<void> {
  await enqueueTask(
    db,
    'rollout/advance',
    { rolloutId },
    { jobKey: rolloutJobKey(rolloutId), runAt, maxAttempts: 25, priority: 1 },
  );
}

function iso(d: Date | null): string | null {
  return d?.toISOString() ?? null;
}

function counts(states: { state: string }[]): Rollout['counts'] {
  const out: Rollout['counts'] = {
    total: states.length,
    pending: 0,
    updating: 0,
    awaiting_approval: 0,
    soaking: 0,
    done: 0,
    failed: 0,
    skipped: 0,
  };
  for (const { state } of states) {
    out[state as RolloutClusterState] += 1;
  }
  return out;
}

function toDto(row: RowWithRefs, stateRows: { state: string }[]): Rollout {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    cluster_template_id: row.clusterTemplateId,
    cluster_template_name: row.clusterTemplate.name,
    cluster_template_version_id: row.clusterTemplateVersionId,
    target_version_number: row.clusterTemplateVersion.number,
    status: row.status as RolloutStatus,
    wave_plan: row.wavePlan as RolloutWaveSpec[],
    wave_count: row.waveCount,
    current_wave: row.currentWave,
    soak_seconds: row.soakSeconds,
    pause_reason: row.pauseReason,
    created_by: row.createdByName,
    counts: counts(stateRows),
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    started_at: iso(row.startedAt),
    finished_at: iso(row.finishedAt),
  };
}

function clusterDto(row: ClusterRowWithRefs): RolloutCluster {
  return {
    cluster_id: row.clusterId,
    cluster_name: row.cluster.name,
    wave: row.wave,
    state: row.state as RolloutClusterState,
    change: row.change as RolloutCluster['change'],
    cluster_status: row.cluster.status.toLowerCase(),
    from_version_id: row.fromVersionId,
    target_revision: row.targetRevision,
    error: row.error,
    started_at: iso(row.startedAt),
    healthy_since: iso(row.healthySince),
    finished_at: iso(row.finishedAt),
  };
}

function detailDto(row: RowWithRefs, clusters: ClusterRowWithRefs[]): RolloutDetail {
  const waves: RolloutDetail['waves'] = [];
  for (let index = 0; index < row.waveCount; index++) {
    const members = clusters.filter((c) => c.wave === index).map(clusterDto);
    const status =
      index < row.currentWave
        ? 'completed'
        : index === row.currentWave && (row.status === 'running' || row.status === 'paused')
          ? 'running'
          : 'pending';
    waves.push({ index, status, clusters: members });
  }
  return {
    ...toDto(row, clusters),
    waves,
    skipped: clusters.filter((c) => c.wave === null).map(clusterDto),
  };
}

async function loadRow(db: DbOrTx, workspaceId: string, id: string): Promise<RowWithRefs> {
  const row = await db.rollout.findFirst({ where: { id, workspaceId }, include: REFS });
  if (!row) {
    throw notFound('Rollout', id);
  }
  return row;
}

async function loadClusters(db: DbOrTx, rolloutId: string): Promise<ClusterRowWithRefs[]> {
  return db.rolloutCluster.findMany({
    where: { rolloutId },
    orderBy: { position: 'asc' },
    include: { cluster: { select: { name: true, status: true } } },
  });
}

/** A rollout with every cluster's state, by wave. */
export async function getRollout(ctx: ServiceContext, id: string): Promise<RolloutDetail> {
  const workspace = requireWorkspace(ctx);
  const row = await loadRow(ctx.db, workspace.id, id);
  return detailDto(row, await loadClusters(ctx.db, id));
}

/** Rollouts of the workspace, newest first (`?status=`, `?cluster_template_id=`, paging). */
export async function listRollouts(
  ctx: ServiceContext,
  query: z.input<typeof ListRolloutsQuerySchema>,
): Promise<{ items: Rollout[]; total: number }> {
  const q = ListRolloutsQuerySchema.parse(query);
  const workspace = requireWorkspace(ctx);
  const where: Prisma.RolloutWhereInput = {
    workspaceId: workspace.id,
    ...(q.status ? { status: q.status } : {}),
    ...(q.cluster_template_id ? { clusterTemplateId: q.cluster_template_id } : {}),
  };
  const [rows, total] = await Promise.all([
    ctx.db.rollout.findMany({
      where,
      include: REFS,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit,
      skip: q.offset,
    }),
    ctx.db.rollout.count({ where }),
  ]);
  const states = await ctx.db.rolloutCluster.findMany({
    where: { rolloutId: { in: rows.map((r) => r.id) } },
    select: { rolloutId: true, state: true },
  });
  return {
    items: rows.map((r) =>
      toDto(
        r,
        states.filter((s) => s.rolloutId === r.id),
      ),
    ),
    total,
  };
}

/**
 * `dry_run`: the plan. Otherwise creates the rollout and starts it: its clusters (those with
 * nothing to change `skipped`) and the first advance of the engine, in one transaction. A
 * cluster is in at most one unfinished rollout (409 conflict).
 * @throws AppError not_found, template_version_unavailable, unprocessable (a listed cluster is
 *   not the template's; a cluster's values do not render with the target), conflict
 */
export async function createRollout(
  ctx: ServiceContext,
  body: z.input<typeof CreateRolloutBodySchema>,
): Promise<{ dryRun: true; plan: RolloutPlan } | { dryRun: false; rollout: RolloutDetail }> {
  const workspace = requireWorkspace(ctx);
  // A rollout changes clusters: its creator must be allowed to change them too.
  requirePermission(ctx, 'clusters:read');
  const computed = await computeRolloutPlan(ctx, body);
  if (computed.input.dry_run) {
    return { dryRun: true, plan: computed.plan };
  }
  requirePermission(ctx, 'clusters:write');
  const { plan, clusters, input } = computed;
  if (plan.invalid.length > 0) {
    throw new AppError(
      'unprocessable',
      'Some clusters do not render with the target version; fix them or leave them out',
      { clusters: plan.invalid.map((c) => ({ cluster_id: c.cluster_id, error: c.error })) },
    );
  }
  if (clusters.length === 0) {
    throw new AppError('unprocessable', 'No cluster of the template matches the selection');
  }
  const id = await ctx.db.$transaction(async (tx) => {
    // One rollout is created at a time per workspace, so the overlap check below holds.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rollouts:${workspace.id}`}))`;
    const busy = await tx.rolloutCluster.findMany({
      where: {
        clusterId: { in: clusters.map((c) => c.cluster_id) },
        rollout: { status: { in: ACTIVE_ROLLOUT_STATUSES } },
      },
      select: { clusterId: true, rolloutId: true },
    });
    if (busy.length > 0) {
      throw new AppError('conflict', 'Some clusters are already in an unfinished rollout', {
        clusters: busy.map((b) => ({ cluster_id: b.clusterId, rollout_id: b.rolloutId })),
      });
    }
    const now = new Date();
    const created = await tx.rollout.create({
      data: {
        workspaceId: workspace.id,
        clusterTemplateId: computed.template.id,
        clusterTemplateVersionId: computed.target.id,
        status: 'running',
        wavePlan: input.waves,
        waveCount: plan.waves.length,
        soakSeconds: input.soak_seconds,
        createdByName: ctx.actor.name,
        startedAt: now,
      },
    });
    await tx.rolloutCluster.createMany({
      data: clusters.map((c, position) => ({
        rolloutId: created.id,
        clusterId: c.cluster_id,
        wave: c.wave,
        position,
        state: c.wave === null ? 'skipped' : 'pending',
        change: c.change,
        fromVersionId: c.from_version_id,
        finishedAt: c.wave === null ? now : null,
      })),
    });
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'Rollout',
      auditableId: created.id,
      changes: {
        cluster_template_id: computed.template.id,
        cluster_template_version_id: computed.target.id,
        target_version_number: computed.target.number,
        waves: plan.waves.map((w) => w.clusters.length),
        skipped: plan.skipped.length,
        destructive: plan.counts.destructive,
        soak_seconds: input.soak_seconds,
      },
    });
    await notifyChange(tx, {
      type: 'rollout',
      id: created.id,
      workspace_id: workspace.id,
      action: 'create',
    });
    await scheduleRolloutAdvance(tx, created.id);
    return created.id;
  });
  return { dryRun: false, rollout: await getRollout(ctx, id) };
}

type Action = 'pause' | 'resume' | 'abort';

/** An action waits for an engine step holding the rollout's row (Prisma's default is 5 s). */
const ACTION_TRANSACTION = { timeout: 60_000, maxWait: 10_000 };

const ALLOWED_FROM: Record<Action, RolloutStatus[]> = {
  pause: ['running'],
  resume: ['paused'],
  abort: ['planned', 'running', 'paused'],
};

/**
 * pause: no new cluster starts (those under way go on); resume: failed clusters of the current
 * wave are tried again and the rollout goes on; abort: the rollout ends (clusters already
 * moved stay as they are). The rollout row is locked, so an advance of the engine never
 * interleaves with the action.
 * @throws AppError not_found, invalid_state, stale_revision
 */
export async function actOnRollout(
  ctx: ServiceContext,
  id: string,
  action: Action,
  body: z.input<typeof RolloutActionBodySchema> | undefined,
): Promise<RolloutDetail> {
  const input = RolloutActionBodySchema.parse(body ?? {});
  const workspace = requireWorkspace(ctx);
  await loadRow(ctx.db, workspace.id, id);
  await ctx.db.$transaction(async (tx) => {
    const row = await lockRollout(tx, id);
    if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
      throw new AppError('stale_revision', 'The rollout changed meanwhile; reload it', {
        current_revision: row.currentRevision,
      });
    }
    if (!ALLOWED_FROM[action].includes(row.status as RolloutStatus)) {
      throw new AppError(
        'invalid_state',
        `A ${row.status} rollout cannot be ${action === 'abort' ? 'aborted' : `${action}d`}`,
      );
    }
    const now = new Date();
    const data: Prisma.RolloutUpdateInput = { currentRevision: { increment: 1 } };
    if (action === 'pause') {
      Object.assign(data, {
        status: 'paused',
        pauseReason: input.reason || `Paused by ${ctx.actor.name}`,
      });
    } else if (action === 'resume') {
      Object.assign(data, { status: 'running', pauseReason: null });
      // Failed clusters of the current wave are tried again.
      await tx.rolloutCluster.updateMany({
        where: { rolloutId: id, wave: row.currentWave, state: 'failed' },
        data: { state: 'pending', error: null, healthySince: null, finishedAt: null },
      });
    } else {
      Object.assign(data, {
        status: 'aborted',
        finishedAt: now,
        pauseReason: input.reason ?? row.pauseReason,
      });
    }
    await tx.rollout.update({ where: { id }, data });
    await recordAudit(tx, ctx, {
      action,
      auditableType: 'Rollout',
      auditableId: id,
      changes: {
        status: [row.status, (data.status as string | undefined) ?? row.status],
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    await notifyChange(tx, { type: 'rollout', id, workspace_id: workspace.id, action });
    if (action === 'resume') {
      await scheduleRolloutAdvance(tx, id);
    }
    // The row lock may be held by an engine step for a few seconds: wait for it.
  }, ACTION_TRANSACTION);
  return getRollout(ctx, id);
}

/** `SELECT … FOR UPDATE` of a rollout row: every change of a rollout takes it. */
export async function lockRollout(tx: Tx, id: string): Promise<RolloutRow> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM rollouts WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) {
    throw notFound('Rollout', id);
  }
  return tx.rollout.findUniqueOrThrow({ where: { id } });
}

/**
 * Safety net run by the managers' periodic loop: a running rollout whose step job is gone (its
 * retries exhausted, or deleted by hand) gets one again. Returns how many were rescheduled.
 */
export async function rescheduleStalledRollouts(db: DbOrTx): Promise<number> {
  const stalled = await db.$queryRaw<{ id: string }[]>`
    SELECT r.id FROM rollouts r
     WHERE r.status = 'running'
       AND NOT EXISTS (
         SELECT 1 FROM graphile_worker._private_jobs j
          WHERE j.key = 'rollout:' || r.id::text AND j.attempts < j.max_attempts)`;
  for (const { id } of stalled) {
    await scheduleRolloutAdvance(db, id);
  }
  return stalled.length;
}
