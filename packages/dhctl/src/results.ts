/**
 * The JSON documents dhctl returns in `CheckResult.result`, `ConvergeResult.result` and
 * `CommanderAttachResult.result`, with parsers that check their outline.
 *
 * @module
 */

/** Overall check status; it only ever gets worse (InSync < OutOfSync < DestructiveOutOfSync). */
export type CheckStatus = 'InSync' | 'OutOfSync' | 'DestructiveOutOfSync';

/** Status of one infrastructure object (node, node template, base infrastructure). */
export type ObjectCheckStatus =
  'ok' | 'changed' | 'destructively_changed' | 'abandoned' | 'absent' | 'error';

/** One destructive change of a planned resource. */
export type DestructiveChangeEntry = { current_value: unknown; next_value: unknown; type: string };

/**
 * Destructive changes of an object. The `resourced_recreated` spelling is dhctl's own JSON
 * tag and is kept on purpose.
 */
export type DestructiveChanges = {
  resources_deleted?: DestructiveChangeEntry[] | null;
  resourced_recreated?: DestructiveChangeEntry[] | null;
  provider?: string;
  output_broken_reason?: string;
  output_zones_changed?: unknown;
};

/** `status_details.nodes[]`. */
export type NodeCheckResult = {
  group: string;
  name: string;
  status: ObjectCheckStatus;
  destructive_changes?: DestructiveChanges | null;
};

/** `status_details.node_templates[]`. */
export type NodeTemplateCheckResult = { name: string; status: ObjectCheckStatus };

/** `status_details.cluster`: the base infrastructure. */
export type ClusterCheckResult = {
  status: ObjectCheckStatus;
  destructive_changes?: DestructiveChanges | null;
};

/** `CheckResult.result` (upstream `check_result.go`). */
export type CheckResult = {
  status: CheckStatus;
  status_details: {
    configuration_status: 'InSync' | 'OutOfSync';
    opentofu_migration_status?: 'InSync' | 'OutOfSync';
    nodes?: NodeCheckResult[] | null;
    node_templates?: NodeTemplateCheckResult[] | null;
    cluster?: ClusterCheckResult | null;
    terraform_plan?: unknown[] | null;
    terraform_version?: unknown;
  };
  /** sha256 hex of the destructive parts; present only when `DestructiveOutOfSync`. */
  destructive_change_id?: string;
};

/** `ConvergeResult.result` status. */
export type ConvergeStatus = 'InSync' | 'Converged' | 'NeedApproveForDestructiveChange';

/** `ConvergeResult.result` (upstream `converge_result.go`). */
export type ConvergeResult = { status: ConvergeStatus; check_result?: CheckResult | null };

/** What CommanderAttach's Scan phase learnt about the cluster. */
export type ScanResult = {
  cluster_configuration: string;
  provider_specific_cluster_configuration: string;
  ssh_private_key: string;
  ssh_public_key: string;
};

/** `CommanderAttachResult.result` (upstream `attach_result.go`). */
export type CommanderAttachResult = {
  status: 'Scanned' | 'Attached';
  scan_result: ScanResult | null;
  check_result: CheckResult | null;
};

/** A result JSON that does not have the documented outline. */
export class DhctlResultParseError extends Error {
  override readonly name = 'DhctlResultParseError';
}

function parseObject(json: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new DhctlResultParseError(`${what}: invalid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DhctlResultParseError(`${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function checkResultFromObject(value: Record<string, unknown>, what: string): CheckResult {
  if (!isOneOf(value.status, ['InSync', 'OutOfSync', 'DestructiveOutOfSync'] as const)) {
    throw new DhctlResultParseError(`${what}: unknown status ${JSON.stringify(value.status)}`);
  }
  const details = value.status_details;
  if (typeof details !== 'object' || details === null) {
    throw new DhctlResultParseError(`${what}: status_details is missing`);
  }
  if (
    value.status === 'DestructiveOutOfSync' &&
    (typeof value.destructive_change_id !== 'string' || value.destructive_change_id === '')
  ) {
    throw new DhctlResultParseError(`${what}: DestructiveOutOfSync without destructive_change_id`);
  }
  return value as CheckResult;
}

/**
 * Parses `CheckResult.result`.
 *
 * @throws DhctlResultParseError when the JSON is invalid, the status unknown, `status_details`
 *   missing, or a `DestructiveOutOfSync` result has no `destructive_change_id`.
 */
export function parseCheckResult(json: string): CheckResult {
  return checkResultFromObject(parseObject(json, 'check result'), 'check result');
}

/**
 * Parses `ConvergeResult.result`.
 *
 * @throws DhctlResultParseError on an invalid outline.
 */
export function parseConvergeResult(json: string): ConvergeResult {
  const value = parseObject(json, 'converge result');
  if (!isOneOf(value.status, ['InSync', 'Converged', 'NeedApproveForDestructiveChange'] as const)) {
    throw new DhctlResultParseError(
      `converge result: unknown status ${JSON.stringify(value.status)}`,
    );
  }
  const check = value.check_result;
  return {
    status: value.status,
    check_result:
      typeof check === 'object' && check !== null
        ? checkResultFromObject(check as Record<string, unknown>, 'converge check_result')
        : null,
  };
}

/**
 * Parses `CommanderAttachResult.result`.
 *
 * @throws DhctlResultParseError on an invalid outline.
 */
export function parseCommanderAttachResult(json: string): CommanderAttachResult {
  const value = parseObject(json, 'attach result');
  if (!isOneOf(value.status, ['Scanned', 'Attached'] as const)) {
    throw new DhctlResultParseError(
      `attach result: unknown status ${JSON.stringify(value.status)}`,
    );
  }
  const scan = value.scan_result;
  const check = value.check_result;
  return {
    status: value.status,
    scan_result: typeof scan === 'object' && scan !== null ? (scan as ScanResult) : null,
    check_result:
      typeof check === 'object' && check !== null
        ? checkResultFromObject(check as Record<string, unknown>, 'attach check_result')
        : null,
  };
}
