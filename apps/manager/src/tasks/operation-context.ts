import type { ClaimedOperation, ServiceContext } from '@commander/core';
import {
  agentBootstrapYaml,
  agentUrl,
  ensureClaimedAgentKey,
  type FinalRecording,
  handBackOperation,
  OperationCancelledError,
  OperationLostError,
} from '@commander/core';
import type {
  BootstrapStart,
  DhctlCallOptions,
  DhctlOutcome,
  MessageInput,
} from '@commander/dhctl';
import { encodeDhctlState } from '@commander/dhctl';

import { isDatabaseUnavailable, whileDatabaseDown } from '../db-retry.js';
import type { ManagerDeps } from '../deps.js';
import type { OperationRecorder } from '../recorder.js';

/** Everything a kind handler needs for one run of one operation. */
export type OperationRun = {
  deps: ManagerDeps;
  ctx: ServiceContext;
  claimed: ClaimedOperation;
  recorder: OperationRecorder;
  signal: AbortSignal;
};

/** Options every dhctl start carries in commander mode. */
export function commanderOptions(run: OperationRun) {
  return {
    commander_mode: true,
    commander_uuid: run.deps.instance.commanderUuid,
    log_width: 120,
  };
}

/** A buffered write that PostgreSQL could not take now: kept for the next flush. */
async function keepWhileDatabaseDown(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isDatabaseUnavailable(error)) {
      throw error;
    }
  }
}

/**
 * Hooks that stream logs and progress into the operation and store each completed phase's
 * state (encrypted) before dhctl is told to go on.
 */
export function recordingHooks(run: OperationRun): DhctlCallOptions {
  return {
    signal: run.signal,
    // PostgreSQL unavailable for a moment: the lines and progress stay buffered (the next
    // flush, at the latest the phase end's, writes them) and dhctl goes on.
    onLogs: (lines) => keepWhileDatabaseDown(run.recorder.log(lines)),
    onProgress: (progress) => keepWhileDatabaseDown(run.recorder.progress(progress)),
    onPhaseEnd: async (phaseEnd): Promise<'next' | 'stop'> => {
      // A boundary before the first phase completed nothing: there is no state to store before
      // dhctl goes on, so the buffered lines and progress wait for the next write.
      if (phaseEnd.completed_phase) {
        // dhctl waits for this answer: a database restart holds the phase boundary, not fails it.
        await whileDatabaseDown(
          async () => {
            // The buffered lines and progress, then the phase's state (encrypted), in one
            // statement, and only while this instance still holds the operation.
            const held = await run.recorder.flush({
              heldBy: run.deps.instanceId,
              phaseState: {
                phase: phaseEnd.completed_phase,
                stateEncrypted: run.deps.encryptor.encrypt(
                  encodeDhctlState(phaseEnd.completed_phase_state),
                ),
              },
            });
            if (!held) {
              throw new OperationLostError(run.claimed.operation.id);
            }
          },
          run.deps.log,
          'phase state',
        );
      }
      if (run.deps.stopping.value) {
        await run.recorder.log([
          `This replica is stopping: handing the operation back after phase ${phaseEnd.completed_phase || '(start)'}`,
        ]);
        return 'stop';
      }
      return 'next';
    },
  };
}

/** True when the run was cancelled by a user (not by a shutdown). */
export function cancelledByUser(run: OperationRun): boolean {
  return run.signal.aborted && run.signal.reason instanceof OperationCancelledError;
}

/** The documents of the configuration to converge/check with (desired, else applied). */
export function configDocuments(run: OperationRun, which: 'desired' | 'applied' = 'desired') {
  const config =
    (which === 'desired' ? run.claimed.desired : run.claimed.applied) ??
    run.claimed.desired ??
    run.claimed.applied;
  if (!config) {
    throw new Error('the cluster has no configuration');
  }
  return config;
}

/** The state to start dhctl with: this operation's last phase state (resume), else the cluster's. */
export function startState(run: OperationRun): string {
  return run.claimed.phaseState ?? run.claimed.dhctlState ?? '';
}

/**
 * The agent's credentials (namespace + Secret) as YAML: Commander adds them to what it installs,
 * so commander-agent can reach the agent API. Gives the cluster its agent key on first use.
 */
export async function agentResourcesYaml(run: OperationRun): Promise<string> {
  const key = await ensureClaimedAgentKey(
    run.deps.db,
    run.deps.encryptor,
    run.claimed.cluster.id,
    run.claimed.agentKey,
  );
  if (key !== run.claimed.agentKey) {
    // A key created just now is not in the masker built at the claim.
    run.claimed.masker.add(key);
  }
  return agentBootstrapYaml(
    key,
    agentUrl(run.deps.instance.publicUrl, run.claimed.cluster.uuid),
    run.deps.instance.agentImage ?? null,
  );
}

/** Joins multi-document YAML streams, skipping empty ones. */
export function joinYaml(...parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .join('\n---\n');
}

/** Bootstrap documents of a rendered configuration (plus the agent's credentials, when given). */
export function bootstrapDocuments(
  run: OperationRun,
  agentYaml = '',
): Omit<MessageInput<BootstrapStart>, 'state' | 'options'> {
  const desired = run.claimed.desired;
  if (!desired) {
    throw new Error('the cluster has no rendered configuration to install');
  }
  return {
    connection_config: desired.connection_config,
    init_config: desired.init_configuration,
    cluster_config: desired.cluster_configuration,
    provider_specific_cluster_config: desired.provider_specific_cluster_configuration,
    init_resources: '',
    resources: joinYaml(desired.primary_resources, agentYaml),
  };
}

/** How a run ended, as the completion functions of packages/core take it. */
export type Settled<R> =
  | { ok: true; state: string; result: R }
  | { ok: false; state: string; error: string; cancelled: boolean };

/**
 * Ends a run the same way for every kind: logs and progress (and `closingLines`, the run's last
 * words) are flushed and the ownership checked in one statement; an operation stopped at a phase
 * boundary (this replica is stopping) is handed back to the queue; a failure marks the running
 * phase failed; then `complete` records the outcome. `completeWithLog`, when given, is tried
 * first for a run that ended well: a completion that also writes the recorder's last lines and
 * progress, in one statement with the ownership check (the common check end); it answers
 * whether it applied (false: nothing written, and the general path above follows).
 */
export async function settle<R>(
  run: OperationRun,
  outcome: DhctlOutcome<R>,
  complete: (settled: Settled<R>) => Promise<void>,
  closingLines: string[] = [],
  completeWithLog?: (settled: Settled<R> & { ok: true }, log: FinalRecording) => Promise<boolean>,
): Promise<void> {
  // What dhctl did is recorded even when PostgreSQL restarts meanwhile (retried until it is
  // back): a lost completion would run the operation again. Each write is retried together
  // with the ownership check, so a write that committed although its answer was lost is not
  // applied twice (the check then fails: the operation is no longer RUNNING).
  const retry = <T>(step: () => Promise<T>, what: string) =>
    whileDatabaseDown(step, run.deps.log, what);
  if (closingLines.length > 0) {
    await keepWhileDatabaseDown(run.recorder.log(closingLines));
  }
  if (outcome.ok && outcome.stopped) {
    await retry(async () => {
      await assertStillHeld(run);
      await handBackOperation(run.ctx, run.claimed.operation.id);
    }, 'hand back');
    return;
  }
  if (!outcome.ok) {
    await retry(async () => {
      await assertStillHeld(run);
      await run.recorder.failCurrentPhase();
    }, 'failed phase');
  }
  await retry(async () => {
    if (completeWithLog && outcome.ok) {
      if (run.signal.reason instanceof OperationLostError) {
        throw run.signal.reason;
      }
      const settled = { ok: true as const, state: outcome.state, result: outcome.result };
      if (await run.recorder.flushWith((log) => completeWithLog(settled, log))) {
        return;
      }
    }
    await assertStillHeld(run);
    await complete(
      outcome.ok
        ? { ok: true, state: outcome.state, result: outcome.result }
        : {
            ok: false,
            state: outcome.state,
            error: outcome.error,
            cancelled: cancelledByUser(run),
          },
    );
  }, 'operation result');
}

/**
 * Flushes the recorder and fails with OperationLostError when the operation is no longer this
 * instance's (it was taken over after this replica was declared dead): nothing more of this run
 * may be recorded.
 */
async function assertStillHeld(run: OperationRun): Promise<void> {
  const held = await run.recorder.flush({ heldBy: run.deps.instanceId });
  if (run.signal.reason instanceof OperationLostError) {
    throw run.signal.reason;
  }
  if (!held) {
    throw new OperationLostError(run.claimed.operation.id);
  }
}
