import {
  type RolloutClusterState,
  type RolloutStatus,
  WORKSPACE_PERMISSIONS,
} from '@commander/contracts';
import type { Rollout as RolloutRow, RolloutCluster as RolloutClusterRow, Tx } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { retryCluster } from '../operations/operation-actions.js';
import { switchClusterToVersion } from '../templates/switch-versions.js';
import { IN_FLIGHT_STATES, lockRollout, scheduleRolloutAdvance } from './rollouts.js';

export type RolloutEngineSettings = {
  /** How soon the next step runs while the rollout is under way. */
  tickMs: number;
  /** At most this many clusters are started per step (the rest in the next, at once). */
  startsPerTick: number;
};

export const DEFAULT_ROLLOUT_ENGINE_SETTINGS: RolloutEngineSettings = {
  tickMs: 5_000,
  startsPerTick: 5,
};

/** Cluster statuses that end a rollout's hold on the cluster: it is gone. */
const GONE = new Set(['DELETE', 'DELETED', 'DELETION_FAILED', 'DETACHED']);
/** Statuses that mean the change failed (once no operation of the cluster is queued or running). */
const FAILED = new Set(['SYNCHRONIZATION_FAILURE', 'CONFIGURATION_ERROR', 'CREATION_FAILED']);
/** Statuses that wait for a person to approve a change request. */
const AWAITING_APPROVAL = new Set(['DESTRUCTIVE_CHANGES', 'PENDING_CHANGES']);

type ClusterFacts = {
  id: string;
  name: string;
  status: string;
  archivedAt: Date | null;
  appliedRevision: number | null;
  desiredRevision: number;
  clusterTemplateVersionId: string | null;
  agentStatus: string;
  agentLastSeenAt: Date | null;
  agentData: unknown;
};

type Verdict = Pick<RolloutClusterRow, 'state' | 'error' | 'healthySince' | 'finishedAt'>;

/** The critical alerts firing on the cluster (agent_data overview warnings), by name. */
export function firingCriticalAlerts(agentData: unknown): string[] {
  if (!Array.isArray(agentData)) {
    return [];
  }
  const overview = agentData.find(
    (d: unknown) => (d as { source?: string } | null)?.source === 'overview',
  ) as { data?: { warnings?: { firing_alerts?: unknown[] } } } | undefined;
  const alerts = overview?.data?.warnings?.firing_alerts ?? [];
  return alerts
    .filter((a) => (a as { severity?: string } | null)?.severity === 'critical')
    .map((a) => {
      const name = (a as { alert?: unknown }).alert;
      return typeof name === 'string' ? name : 'alert';
    });
}

/**
 * Where a started cluster stands: converging (`updating`), waiting for approval, in sync and
 * healthy (`soaking` since then, `done` after the soak time), or `failed`. Healthy: the agent
 * is online (or the cluster never had one report) and no critical alert fires.
 */
export function judgeCluster(
  member: Pick<RolloutClusterRow, 'state' | 'targetRevision' | 'healthySince'>,
  cluster: ClusterFacts | undefined,
  busy: boolean,
  now: Date,
  soakSeconds: number,
): Verdict {
  const keep = { healthySince: null, finishedAt: null, error: null };
  if (!cluster || cluster.archivedAt !== null || GONE.has(cluster.status)) {
    return {
      ...keep,
      state: 'failed',
      error: 'The cluster was deleted or detached',
      finishedAt: now,
    };
  }
  const status = cluster.status;
  if (FAILED.has(status) && !busy) {
    return {
      ...keep,
      state: 'failed',
      error: `The cluster is ${status.toLowerCase()}`,
      finishedAt: now,
    };
  }
  if (AWAITING_APPROVAL.has(status)) {
    return { ...keep, state: 'awaiting_approval' };
  }
  const applied =
    member.targetRevision !== null && (cluster.appliedRevision ?? 0) >= member.targetRevision;
  if (status !== 'IN_SYNC' || !applied) {
    return { ...keep, state: 'updating' };
  }
  if (cluster.agentStatus === 'lost') {
    return { ...keep, state: 'failed', error: 'The agent was lost', finishedAt: now };
  }
  const critical = firingCriticalAlerts(cluster.agentData);
  if (critical.length > 0) {
    return {
      ...keep,
      state: 'failed',
      error: `Critical alert firing: ${critical.slice(0, 3).join(', ')}`,
      finishedAt: now,
    };
  }
  if (cluster.agentStatus !== 'online' && cluster.agentLastSeenAt !== null) {
    // The agent reported before but is not online now: not healthy yet.
    return { ...keep, state: 'updating' };
  }
  const since = member.state === 'soaking' && member.healthySince ? member.healthySince : now;
  if (now.getTime() - since.getTime() >= soakSeconds * 1000) {
    return { ...keep, state: 'done', healthySince: since, finishedAt: now };
  }
  return { ...keep, state: 'soaking', healthySince: since };
}

/**
 * One step of a rollout's engine, run by the managers' `rollout/advance` task. Under the
 * rollout row's lock (`FOR UPDATE`, held for the step: two managers never step the same
 * rollout at once, and a killed manager's lock goes with its connection) it judges the
 * clusters of the current wave, pauses the rollout on a failure, moves to the next wave when
 * every cluster of this one is done or skipped (completing the rollout after the last), and
 * starts the current wave's pending clusters while running: each an ordinary update to the
 * target version (`switchClusterToVersion`, as the bulk switch), or, for a cluster already on
 * it (a retried one, or a step that died after the update), a retry of its failed converge.
 * Idempotent: a step run twice, or after a killed one, finds the state it left. The next step
 * is queued in the same transaction while the rollout is under way.
 */
export async function advanceRollout(
  base: ServiceContext,
  rolloutId: string,
  settings: RolloutEngineSettings = DEFAULT_ROLLOUT_ENGINE_SETTINGS,
): Promise<{ status: RolloutStatus | 'gone'; next: boolean }> {
  return base.db.$transaction(
    async (tx) => {
      let row: RolloutRow;
      try {
        row = await lockRollout(tx, rolloutId);
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') {
          return { status: 'gone' as const, next: false };
        }
        throw err;
      }
      if (row.status !== 'running' && row.status !== 'paused') {
        return { status: row.status as RolloutStatus, next: false };
      }
      const workspace = await tx.workspace.findUniqueOrThrow({
        where: { id: row.workspaceId },
        select: { id: true, slug: true },
      });
      const ctx: ServiceContext = {
        ...base,
        workspace,
        actor: { type: 'system', id: null, name: `rollout ${row.id}` },
        permissions: new Set<string>(WORKSPACE_PERMISSIONS),
      };
      const step = new Step(tx, ctx, row, settings);
      const next = await step.run();
      if (step.changed) {
        await notifyChange(tx, {
          type: 'rollout',
          id: row.id,
          workspace_id: row.workspaceId,
          action: 'advance',
        });
      }
      if (next !== null) {
        await scheduleRolloutAdvance(tx, row.id, new Date(Date.now() + next));
      }
      return { status: step.status, next: next !== null };
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}

class Step {
  changed = false;
  status: RolloutStatus;

  private readonly tx: Tx;
  private readonly ctx: ServiceContext;
  private row: RolloutRow;
  private readonly settings: RolloutEngineSettings;

  constructor(tx: Tx, ctx: ServiceContext, row: RolloutRow, settings: RolloutEngineSettings) {
    this.tx = tx;
    this.ctx = ctx;
    this.row = row;
    this.settings = settings;
    this.status = row.status as RolloutStatus;
  }

  /** Returns the delay of the next step, or null when none is needed. */
  async run(): Promise<number | null> {
    const { tx, row } = this;
    const now = new Date();
    const members = await tx.rolloutCluster.findMany({
      where: { rolloutId: row.id, wave: row.currentWave },
      orderBy: { position: 'asc' },
    });
    const facts = await this.facts(members.map((m) => m.clusterId));
    // 1. Judge the clusters under way.
    for (const member of members) {
      if (!IN_FLIGHT_STATES.includes(member.state as RolloutClusterState)) {
        continue;
      }
      const verdict = judgeCluster(
        member,
        facts.clusters.get(member.clusterId),
        facts.busy.has(member.clusterId),
        now,
        row.soakSeconds,
      );
      await this.setMember(member, verdict);
    }
    // 2. A failure pauses a running rollout.
    const failed = members.filter((m) => m.state === 'failed');
    if (failed.length > 0 && this.status === 'running') {
      const first = failed[0]!;
      const name = facts.clusters.get(first.clusterId)?.name ?? first.clusterId;
      await this.setStatus('pause', {
        status: 'paused',
        pauseReason: `Cluster ${name} failed in wave ${row.currentWave + 1}: ${first.error ?? 'failed'}`,
      });
    }
    // 3. The wave is over when all its clusters are done or skipped.
    if (
      this.status === 'running' &&
      members.every((m) => m.state === 'done' || m.state === 'skipped')
    ) {
      const nextWave = row.currentWave + 1;
      if (nextWave >= row.waveCount) {
        await this.setStatus('complete', {
          status: 'completed',
          currentWave: row.waveCount,
          finishedAt: now,
        });
        return null;
      }
      await tx.rollout.update({ where: { id: row.id }, data: { currentWave: nextWave } });
      this.row = { ...row, currentWave: nextWave };
      this.changed = true;
      // The next wave starts in the next step, at once.
      return 0;
    }
    // 4. Start the current wave's pending clusters.
    let started = 0;
    if (this.status === 'running') {
      for (const member of members) {
        if (member.state !== 'pending' || started >= this.settings.startsPerTick) {
          continue;
        }
        started += 1;
        await this.start(
          member,
          facts.clusters.get(member.clusterId),
          facts.busy.has(member.clusterId),
        );
      }
    }
    const pendingLeft = members.filter((m) => m.state === 'pending').length;
    const inFlight = members.some((m) => IN_FLIGHT_STATES.includes(m.state as RolloutClusterState));
    if (this.status === 'running') {
      return pendingLeft > 0 && started >= this.settings.startsPerTick ? 0 : this.settings.tickMs;
    }
    // Paused: keep judging the clusters under way (the page stays live), then stop.
    return inFlight ? this.settings.tickMs : null;
  }

  private async facts(ids: string[]) {
    const rows = await this.tx.cluster.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        name: true,
        status: true,
        archivedAt: true,
        appliedRevision: true,
        desiredRevision: true,
        clusterTemplateVersionId: true,
        agentStatus: true,
        agentLastSeenAt: true,
        agentData: true,
      },
    });
    const ops = await this.tx.clusterOperation.findMany({
      where: { clusterId: { in: ids }, status: { in: ['QUEUED', 'RUNNING'] } },
      select: { clusterId: true },
    });
    return {
      clusters: new Map<string, ClusterFacts>(rows.map((r) => [r.id, r])),
      busy: new Set(ops.map((o) => o.clusterId)),
    };
  }

  private async setMember(member: RolloutClusterRow, verdict: Verdict): Promise<void> {
    if (
      member.state === verdict.state &&
      member.error === verdict.error &&
      (member.healthySince?.getTime() ?? null) === (verdict.healthySince?.getTime() ?? null)
    ) {
      return;
    }
    await this.tx.rolloutCluster.update({ where: { id: member.id }, data: verdict });
    Object.assign(member, verdict);
    this.changed = true;
  }

  private async setStatus(
    action: 'pause' | 'complete',
    data: { status: RolloutStatus } & Record<string, unknown>,
  ): Promise<void> {
    await this.tx.rollout.update({
      where: { id: this.row.id },
      data: { ...data, currentRevision: { increment: 1 } },
    });
    await recordAudit(this.tx, this.ctx, {
      action,
      auditableType: 'Rollout',
      auditableId: this.row.id,
      changes: {
        status: [this.status, data.status],
        ...(typeof data.pauseReason === 'string' ? { reason: data.pauseReason } : {}),
      },
    });
    this.status = data.status;
    this.changed = true;
  }

  /**
   * Starts one cluster: the update to the target version, or (already on it) a retry of its
   * failed converge, or nothing when a converge is already under way. A refused update fails
   * the cluster (and so pauses the rollout at the next step); a concurrent change of the
   * cluster (stale revision, an operation starting) is tried again at the next step.
   */
  private async start(
    member: RolloutClusterRow,
    cluster: ClusterFacts | undefined,
    busy: boolean,
  ): Promise<void> {
    const now = new Date();
    const startedAt = member.startedAt ?? now;
    try {
      if (!cluster) {
        throw new AppError('not_found', 'The cluster no longer exists');
      }
      if (cluster.clusterTemplateVersionId !== this.row.clusterTemplateVersionId) {
        await switchClusterToVersion(this.ctx, cluster.id, this.row.clusterTemplateId, {
          id: this.row.clusterTemplateVersionId,
          params: (
            await this.tx.clusterTemplateVersion.findUniqueOrThrow({
              where: { id: this.row.clusterTemplateVersionId },
              select: { params: true },
            })
          ).params,
        });
      } else if (FAILED.has(cluster.status) && !busy) {
        await retryCluster(this.ctx, cluster.id);
      }
      const after = await this.ctx.db.cluster.findUniqueOrThrow({
        where: { id: cluster.id },
        select: { desiredRevision: true },
      });
      await this.setMember(member, {
        state: 'updating',
        error: null,
        healthySince: null,
        finishedAt: null,
      });
      await this.tx.rolloutCluster.update({
        where: { id: member.id },
        data: { startedAt, targetRevision: after.desiredRevision },
      });
    } catch (err) {
      if (!(err instanceof AppError)) {
        throw err;
      }
      if (err.code === 'stale_revision' || err.code === 'operation_in_progress') {
        this.ctx.log.info(
          { rolloutId: this.row.id, clusterId: member.clusterId, err: err.message },
          'rollout: cluster busy, starting it at the next step',
        );
        return;
      }
      await this.setMember(member, {
        state: 'failed',
        error: `The update was refused: ${err.message}`,
        healthySince: null,
        finishedAt: now,
      });
      await this.tx.rolloutCluster.update({ where: { id: member.id }, data: { startedAt } });
    }
  }
}
