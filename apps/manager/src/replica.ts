import { hostname } from 'node:os';

import type { Db } from '@commander/db';

import type { ManagerDeps } from './deps.js';

/**
 * This replica's registration and liveness: a row in manager_replicas whose heartbeat_at moves
 * every `heartbeatMs`. Each beat also looks for replicas silent longer than `deadAfterMs`,
 * declares them dead and releases their graphile-worker locks, so their operations are taken
 * over (resuming after the last completed phase) instead of waiting graphile's 4 hours.
 */
export class ReplicaHeartbeat {
  readonly #deps: ManagerDeps;
  readonly #heartbeatMs: number;
  readonly #deadAfterMs: number;
  readonly #workerIds = new Set<string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: ManagerDeps, options: { heartbeatMs: number; deadAfterMs: number }) {
    this.#deps = deps;
    this.#heartbeatMs = options.heartbeatMs;
    this.#deadAfterMs = options.deadAfterMs;
  }

  /** graphile-worker worker ids of this replica (from its worker:create events). */
  addWorkerId(id: string): void {
    this.#workerIds.add(id);
    void this.beat();
  }

  async start(): Promise<void> {
    const db = this.#deps.db;
    await db.managerReplica.upsert({
      where: { id: this.#deps.replicaId },
      create: { id: this.#deps.replicaId, hostname: hostname(), pid: process.pid },
      update: {
        hostname: hostname(),
        pid: process.pid,
        startedAt: new Date(),
        heartbeatAt: new Date(),
        stoppedAt: null,
      },
    });
    this.#timer = setInterval(() => void this.beat(), this.#heartbeatMs);
  }

  async beat(): Promise<void> {
    const db = this.#deps.db;
    try {
      const currentOperationId = this.#deps.running.keys().next().value ?? null;
      await db.managerReplica.update({
        where: { id: this.#deps.replicaId },
        data: {
          heartbeatAt: new Date(),
          workerId: [...this.#workerIds].join(',') || null,
          currentOperationId,
          stoppedAt: null,
        },
      });
      await recoverDeadReplicas(db, this.#deadAfterMs, this.#deps.replicaId, (msg, extra) =>
        this.#deps.log.warn(extra, msg),
      );
    } catch (err) {
      this.#deps.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'replica heartbeat failed (database unreachable?); retrying',
      );
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) {
      clearInterval(this.#timer);
    }
    await this.#deps.db.managerReplica
      .update({
        where: { id: this.#deps.replicaId },
        data: { stoppedAt: new Date(), currentOperationId: null },
      })
      .catch(() => undefined);
  }
}

/**
 * Declares replicas dead whose heartbeat is older than `deadAfterMs` and unlocks their jobs.
 * Several live replicas may race here; force_unlock_workers and the conditional update are
 * idempotent.
 * @returns the ids of the replicas declared dead.
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
      where: { id: replica.id, stoppedAt: null, heartbeatAt: { lt: cutoff } },
      data: { stoppedAt: new Date() },
    });
    if (count === 0) {
      continue;
    }
    const workerIds = (replica.workerId ?? '').split(',').filter(Boolean);
    if (workerIds.length > 0) {
      await db.$executeRaw`SELECT graphile_worker.force_unlock_workers(${workerIds}::text[])`;
    }
    warn('declared a silent manager replica dead; its operation will be taken over', {
      replica: replica.id,
      lastHeartbeat: replica.heartbeatAt.toISOString(),
      operation: replica.currentOperationId,
    });
    declared.push(replica.id);
  }
  return declared;
}
