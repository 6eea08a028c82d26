import { OperationPhasesSchema } from '@commander/contracts';
import {
  claimOperation,
  CLUSTER_BUSY,
  failOperation,
  heartbeatOperation,
  OperationCancelledError,
  OperationLostError,
  OperationPayloadSchema,
} from '@commander/core';
import { DhctlTransportError } from '@commander/dhctl';
import type { Task } from 'graphile-worker';

import { isDatabaseUnavailable } from '../db-retry.js';
import { type ManagerDeps, systemContext } from '../deps.js';
import { observeOperationEnd } from '../metrics.js';
import { OperationRecorder } from '../recorder.js';
import { runAttach } from './attach.js';
import { runCheck } from './check.js';
import { runDelete } from './delete.js';
import { runDetach } from './detach.js';
import { runInstall } from './install.js';
import type { OperationRun } from './operation-context.js';
import { runUpdate } from './update.js';

type Handler = (run: OperationRun) => Promise<void>;

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED']);
/** How long to wait before trying a job again when its cluster is busy. */
const BUSY_RETRY_MS = 2_000;

export type OperationHandlers = Partial<
  Record<'INSTALL' | 'UPDATE' | 'DELETE' | 'CHECK' | 'ATTACH' | 'DETACH', Handler>
>;

export const DEFAULT_HANDLERS: OperationHandlers = {
  INSTALL: runInstall,
  UPDATE: runUpdate,
  DELETE: runDelete,
  CHECK: runCheck,
  ATTACH: runAttach,
  DETACH: runDetach,
};

/**
 * The executor of every cluster operation task: parse, take the cluster's lock (or come back
 * in a moment), claim the operation, run the kind's handler, record. Re-delivery of a finished
 * operation is a no-op; a dhctl transport failure is retried by graphile-worker (the next
 * attempt resumes from the last stored phase state).
 */
export function operationTask(
  deps: ManagerDeps,
  handlers: OperationHandlers = DEFAULT_HANDLERS,
): Task {
  return async (rawPayload, helpers) => {
    const { operationId } = OperationPayloadSchema.parse(rawPayload);
    // The operation's header and its cluster's lock in one statement (the lock only while the
    // operation is runnable).
    const op = await deps.locks.lockForOperation(operationId);
    if (!op || FINAL.has(op.status)) {
      helpers.logger.debug(`operation ${operationId} is no longer runnable`);
      return;
    }
    // The cluster is busy: come back shortly, without using an attempt, keeping the job's
    // priority (people's operations before background work).
    const retryLater = () =>
      helpers.addJob(
        helpers.job.task_identifier,
        { operationId },
        {
          runAt: new Date(Date.now() + BUSY_RETRY_MS),
          maxAttempts: helpers.job.max_attempts,
          priority: helpers.job.priority,
        },
      );
    if (!op.locked) {
      await retryLater();
      return;
    }
    const handler = handlers[op.kind as keyof OperationHandlers];
    if (!handler) {
      await deps.locks.unlock(op.clusterId);
      throw new Error(`no handler for ${op.kind} operations`);
    }
    const abort = new AbortController();
    deps.running.set(operationId, abort);
    let beat: NodeJS.Timeout | null = null;
    try {
      const claimed = await claimOperation(
        deps.db,
        deps.encryptor,
        operationId,
        deps.replicaId,
        deps.instanceId,
        // An install hands the agent its key: a cluster without one gets it with the claim.
        { agentKey: op.kind === 'INSTALL' },
      );
      if (claimed === CLUSTER_BUSY) {
        // Another operation of the cluster runs, or an older one waits: follow it.
        await retryLater();
        return;
      }
      if (!claimed) {
        return;
      }
      const recorder = new OperationRecorder(
        deps.db,
        operationId,
        claimed.masker,
        OperationPhasesSchema.parse(claimed.operation.phases ?? []),
      );
      beat = setInterval(() => {
        void heartbeatOperation(deps.db, operationId, deps.instanceId)
          .then(({ cancelRequested, lost }) => {
            if (lost && !abort.signal.aborted) {
              abort.abort(new OperationLostError(operationId));
            } else if (cancelRequested && !abort.signal.aborted) {
              abort.abort(new OperationCancelledError(operationId));
            }
          })
          .catch((err: unknown) => deps.log.warn({ err }, 'operation heartbeat failed'));
      }, 2_000);
      const run: OperationRun = {
        deps,
        ctx: systemContext(deps),
        claimed,
        recorder,
        signal: abort.signal,
      };
      try {
        await handler(run);
      } catch (error) {
        if (
          error instanceof OperationLostError ||
          abort.signal.reason instanceof OperationLostError
        ) {
          // Taken over by another instance (this one was declared dead): record nothing.
          deps.log.warn({ operationId }, 'operation taken over by another replica instance');
          return;
        }
        await recorder.flush().catch(() => undefined);
        const isLastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
        const message = claimed.masker.mask(error instanceof Error ? error.message : String(error));
        if (isDatabaseUnavailable(error) && !isLastAttempt) {
          // PostgreSQL went away mid-run: the job is retried and resumes from the last stored
          // phase state (failing the operation would need the database anyway).
          deps.log.warn({ operationId, error: message }, 'database unavailable; retrying later');
          throw error;
        }
        if (error instanceof DhctlTransportError && !isLastAttempt) {
          await recorder
            .log([`dhctl is unreachable (${message}); the operation will be retried`])
            .then(() => recorder.flush());
          throw error;
        }
        deps.log.error({ error: message, operationId }, 'operation failed');
        await recorder.log([`Operation failed: ${message}`]).then(() => recorder.flush());
        await recorder.failCurrentPhase().catch(() => undefined);
        await failOperation(run.ctx, claimed, message);
      }
    } finally {
      if (beat) {
        clearInterval(beat);
      }
      deps.running.delete(operationId);
      observeOperationEnd(operationId, await deps.locks.unlockAndRead(op.clusterId, operationId));
    }
  };
}
