import { hostname } from 'node:os';

import { releaseReplicaInstance, requeueOrphanedOperations } from '@commander/core';
import type { Db } from '@commander/db';

import type { ManagerDeps } from './deps.js';

/**
 * This replica's registration and liveness: a row in manager_replicas, keyed by the replica's
 * name, carrying the id of the process instance that holds the name now and a heartbeat that
 * moves every `heartbeatMs`.
 *
 * - Start: the instance that held the name before (a process killed and restarted in place)
 *   is released at once: its graphile-worker locks and its running operations (back to the
 *   queue, resuming from their last stored phase state). Then the row is this instance's.
 * - Each beat also declares instances silent longer than `deadAfterMs` dead and releases them
 *   the same way, and requeues running operations no live instance holds.
 * - An instance that finds the row no longer its own (a newer process took the name, or it was
 *   declared dead while stalled) has lost its work to others: `onSuperseded` ends it.
 */
export class ReplicaHeartbeat {
  readonly #deps: ManagerDeps;
  readonly #heartbeatMs: number;
  readonly #deadAfterMs: number;
  readonly #onSuperseded: () => void;
  readonly #workerIds = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  /** Set once the registration is being closed: no more beats, no superseded alarm. */
  #closed = false;

  constructor(
    deps: ManagerDeps,
    options: { heartbeatMs: number; deadAfterMs: number; onSuperseded?: () => void },
  ) {
    this.#deps = deps;
    this.#heartbeatMs = options.heartbeatMs;
    this.#deadAfterMs = options.deadAfterMs;
    this.#onSuperseded = options.onSuperseded ?? (() => undefined);
  }

  /** graphile-worker worker ids of this replica (from its worker:create events). */
  addWorkerId(id: string): void {
    this.#workerIds.add(id);
    void this.beat();
  }

  get workerIds(): string[] {
    return [...this.#workerIds];
  }

  async start(): Promise<void> {
    const { db, replicaId, instanceId, log } = this.#deps;
    const previous = await db.managerReplica.findUnique({ where: { id: replicaId } });
    if (previous && previous.stoppedAt === null && previous.instanceId !== instanceId) {
      // Only a process that ended without stopping leaves its row open: it is gone (a replica
      // name is held by one process at a time), so its work is released now, not after
      // MANAGER_DEAD_AFTER_MS.
      const { count } = await db.managerReplica.updateMany({
        where: { id: replicaId, instanceId: previous.instanceId, stoppedAt: null },
        data: { stoppedAt: new Date() },
      });
      if (count > 0) {
        const released = await releaseReplicaInstance(db, {
          replicaId,
          instanceId: previous.instanceId,
          workerIds: (previous.workerId ?? '').split(',').filter(Boolean),
          reason: `Replica ${replicaId} restarted (its previous process ${previous.pid} ended without stopping)`,
        });
        log.warn(
          {
            previousInstance: previous.instanceId,
            previousPid: previous.pid,
            operations: released.map((o) => o.id),
          },
          'released the work of this replica name’s previous process',
        );
      }
    }
    const row = {
      hostname: hostname(),
      pid: process.pid,
      instanceId,
      startedAt: new Date(),
      heartbeatAt: new Date(),
      stoppedAt: null,
      workerId: null,
      currentOperationId: null,
    };
    await db.managerReplica.upsert({
      where: { id: replicaId },
      create: { id: replicaId, ...row },
      update: row,
    });
    this.#timer = setInterval(() => void this.beat(), this.#heartbeatMs);
  }

  async beat(): Promise<void> {
    const { db, replicaId, instanceId, log } = this.#deps;
    if (this.#closed) {
      return;
    }
    try {
      const currentOperationId = this.#deps.running.keys().next().value ?? null;
      const { count } = await db.managerReplica.updateMany({
        where: { id: replicaId, instanceId, stoppedAt: null },
        data: {
          heartbeatAt: new Date(),
          workerId: [...this.#workerIds].join(',') || null,
          currentOperationId,
        },
      });
      if (count === 0 && !this.#closed) {
        log.error(
          { instance: instanceId },
          'this replica instance was replaced or declared dead; its work was taken over: exiting',
        );
        this.stopTimer();
        this.#onSuperseded();
        return;
      }
      await recoverDeadReplicas(db, this.#deadAfterMs, replicaId, (msg, extra) =>
        log.warn(extra, msg),
      );
      const orphans = await requeueOrphanedOperations(db, new Date(Date.now() - this.#deadAfterMs));
      if (orphans > 0) {
        log.warn({ orphans }, 'requeued running operations no live replica instance holds');
      }
    } catch (err) {
      log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'replica heartbeat failed (database unreachable?); retrying',
      );
    }
  }

  stopTimer(): void {
    this.#closed = true;
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /**
   * Releases this instance's own work (graphile locks, running operations back to the queue)
   * and closes its registration: a shutdown that cannot wait for the phase boundary.
   */
  async releaseOwnWork(reason: string): Promise<void> {
    this.stopTimer();
    const { db, replicaId, instanceId } = this.#deps;
    await db.managerReplica.updateMany({
      where: { id: replicaId, instanceId },
      data: { stoppedAt: new Date(), currentOperationId: null },
    });
    await releaseReplicaInstance(db, {
      replicaId,
      instanceId,
      workerIds: this.workerIds,
      reason,
    });
  }

  async stop(): Promise<void> {
    this.stopTimer();
    await this.#deps.db.managerReplica
      .updateMany({
        where: { id: this.#deps.replicaId, instanceId: this.#deps.instanceId },
        data: { stoppedAt: new Date(), currentOperationId: null },
      })
      .catch(() => undefined);
  }
}

/**
 * Declares replica instances dead whose heartbeat is older than `deadAfterMs` and releases
 * their work (graphile locks, running operations requeued). Several live replicas may race
 * here; the conditional update lets one of them do it.
 * @returns the names of the replicas declared dead.
 */
export async function recoverDeadReplicas(
  db: Db,
  deadAfterMs: number,
  selfId: string,
  warn: (msg: string, extra: object) => void,
): Promise<string[]> {
  const cutoff = new Date(Date.now() - deadAfterMs);
  const dead = await db.managerReplica.findMany({
    where: { stoppedAt: null, heartbeatAt: { lt: cutoff }, id: { not: selfId } },
  });
  const declared: string[] = [];
  for (const replica of dead) {
    const { count } = await db.managerReplica.updateMany({
      where: {
        id: replica.id,
        instanceId: replica.instanceId,
        stoppedAt: null,
        heartbeatAt: { lt: cutoff },
      },
      data: { stoppedAt: new Date() },
    });
    if (count === 0) {
      continue;
    }
    const released = await releaseReplicaInstance(db, {
      replicaId: replica.id,
      instanceId: replica.instanceId,
      workerIds: (replica.workerId ?? '').split(',').filter(Boolean),
      reason: `Replica ${replica.id} stopped responding (no heartbeat since ${replica.heartbeatAt.toISOString()})`,
    });
    warn('declared a silent manager replica dead; its operation will be taken over', {
      replica: replica.id,
      instance: replica.instanceId,
      lastHeartbeat: replica.heartbeatAt.toISOString(),
      operations: released.map((o) => o.id),
    });
    declared.push(replica.id);
  }
  return declared;
}
