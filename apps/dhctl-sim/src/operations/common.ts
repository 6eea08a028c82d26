// Helpers shared by the simulated operations.
import { randomUUID } from 'node:crypto';

import type { VirtualCluster } from '../cluster-model.js';
import { ConfigurationError } from '../cluster-model.js';
import type { Conversation } from '../conversation.js';
import { OperationFailed } from '../conversation.js';
import type { SimDeps, StateBag } from '../operation-run.js';

/** Everything an operation handler receives. */
export type OperationContext<TStart> = {
  conversation: Conversation<unknown>;
  start: TStart;
  deps: SimDeps;
  /** The state cache: starts as the request's state, ends up in the result. */
  state: StateBag;
};

/**
 * An operation: does its phases and returns the result JSON (`null` for operations whose
 * result has none). Throws `OperationFailed` / `StopOperation` to end early.
 */
export type OperationHandler<TStart> = (
  context: OperationContext<TStart>,
) => Promise<string | null>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** @throws OperationFailed when `commander_uuid` is set but not a UUID (upstream behaviour). */
export function assertCommanderUuid(commanderUuid: string): void {
  if (commanderUuid !== '' && !isUuid(commanderUuid)) {
    throw new OperationFailed(
      `invalid commander uuid ${JSON.stringify(commanderUuid)}: not a UUID`,
    );
  }
}

/** Runs `fn`, turning configuration errors into the operation's error. */
export function withConfiguration<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new OperationFailed(`config validation failed: ${error.message}`);
    }
    throw error;
  }
}

/** The `uuid` recorded in the state, or `null`. */
export function stateUuid(state: StateBag): string | null {
  const uuid = state.get('uuid')?.toString('utf8').trim();
  return uuid ? uuid : null;
}

/**
 * Finds the cluster an operation targets: by the state's `uuid` when the state has one (a
 * different cluster on the same host must not be picked up), else by an SSH host.
 *
 * @throws OperationFailed when there is no such virtual cluster (a real dhctl cannot reach it).
 */
export function resolveCluster(
  deps: SimDeps,
  state: StateBag,
  hosts: readonly string[],
): VirtualCluster {
  const uuid = stateUuid(state);
  if (uuid) {
    const byUuid = deps.clusters.get(uuid);
    if (!byUuid) {
      throw new OperationFailed(`cluster ${uuid} not found: no virtual cluster with this uuid`);
    }
    return byUuid;
  }
  for (const host of hosts) {
    const byHost = deps.clusters.findByHost(host);
    if (byHost) {
      return byHost;
    }
  }
  const target = hosts[0] ? `${hosts[0]}:22` : 'the cluster';
  throw new OperationFailed(
    `cannot connect to ${target}: no route to host (the state has no cluster uuid and no virtual cluster has this host)`,
  );
}

/** A fresh cluster UUID. */
export function newUuid(): string {
  return randomUUID();
}

/** A plausible fake Terraform/OpenTofu state for a state-cache entry. */
export function fakeTfState(resources: readonly string[]): object {
  return {
    version: 4,
    terraform_version: '1.9.0',
    serial: 1,
    lineage: randomUUID(),
    outputs: {},
    resources: resources.map((name) => ({
      mode: 'managed',
      type: name.split('.')[0] ?? name,
      name: name.split('.')[1] ?? name,
      instances: [{ attributes: { id: randomUUID() } }],
    })),
  };
}
