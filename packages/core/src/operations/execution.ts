import { createHash } from 'node:crypto';

import type { OperationPhase } from '@commander/contracts';
import { generateToken, hashToken } from '@commander/crypto';
import {
  type ClaimedClusterRow,
  type ClaimedRegistryRow,
  claimOperationRow,
  type ClusterOperation,
  type Db,
  heartbeatOperationRow,
  operationHeldBy,
  type OperationKind,
  type Prisma,
  recordOperationBatch,
  savePhaseStateRow,
  type Tx,
} from '@commander/db';
import { applyRegistry, type ClusterRegistry } from '@commander/renderer';

import {
  decryptRendered,
  encryptRendered,
  readPublicRendered,
  type RenderedConfig,
} from '../cluster-state/rendered-config.js';
import { CLUSTER_TRANSITIONS, type ClusterEvent } from '../cluster-state/status-machine.js';
import type { Encryptor } from '../context.js';
import { EVENTS_CHANNEL, notifyChange } from '../events/notify.js';
import { decryptSecretValues } from '../security/secret-values.js';
import {
  createOperationMasker,
  OperationMaskerCache,
  type SecretMasker,
  secretsInDocuments,
  secretsInRenderedConfig,
} from './log-masking.js';
import { encryptMaskerSecrets, readMaskerSecrets, renderedSecretsKey } from './masker-secrets.js';

/** This process's maskers by cluster (see {@link OperationMaskerCache}). */
export const operationMaskers = new OperationMaskerCache();

const SAME_AS_DESIRED = Symbol('same as the desired render');

/** A digest of everything a cluster's masker is built from, as stored (ciphertexts). */
function maskerSourceKey(cluster: ClaimedClusterRow, registry: ClaimedRegistryRow | null): string {
  const hash = createHash('sha256');
  // An applied render that is the desired one (a cluster in sync: the same ciphertext) is
  // digested once: its part is the marker -2 (no length is negative, -1 is a missing part).
  const appliedIsDesired =
    cluster.appliedRenderedEncrypted !== null &&
    cluster.appliedRenderedEncrypted === cluster.desiredRenderedEncrypted;
  for (const part of [
    cluster.desiredRenderedEncrypted,
    appliedIsDesired ? SAME_AS_DESIRED : cluster.appliedRenderedEncrypted,
    cluster.sshPrivateKeyEncrypted,
    cluster.secretValuesEncrypted,
    cluster.agentKeyEncrypted,
    cluster.registryMode,
    registry?.dockerConfigEncrypted,
    registry?.imagesRepo,
    registry?.scheme,
    registry?.ca,
  ]) {
    // Length-prefixed, so no two different lists of parts hash the same text.
    if (typeof part === 'symbol') {
      hash.update('-2:');
      continue;
    }
    const text = part ?? '';
    hash.update(`${part === null || part === undefined ? -1 : text.length}:${text}`);
  }
  return hash.digest('base64');
}

/** What a manager replica needs to run an operation, decrypted. */
export type ClaimedOperation = {
  operation: ClusterOperation;
  cluster: {
    id: string;
    uuid: string;
    workspaceId: string;
    name: string;
    status: string;
    clusterType: string | null;
    desiredRevision: number;
    appliedRevision: number | null;
    changeMode: 'AUTO' | 'MANUAL';
    /** DKP version its agent last reported (picks the dhctl server); null when unknown. */
    dkpVersion: string | null;
  };
  /** The configuration this operation applies (desired, as of the claim). Holds secrets. */
  desired: RenderedConfig | null;
  /**
   * The same configuration with secrets as `<secret:key>` placeholders (for display and diffs;
   * stored as the applied public render when the operation applies `desired`). Null for rows
   * from before public renders, and for kinds that never store it (check, delete, detach: the
   * claim does not read it).
   */
  desiredPublic: RenderedConfig | null;
  /**
   * The stored ciphertext of `desired` when `desired` is exactly what it holds (the claim wrote
   * no registry into it): an operation that applies `desired` stores this ciphertext as the
   * applied configuration instead of encrypting the same text again. Null otherwise.
   */
  desiredEncrypted: string | null;
  /**
   * True when `desired` and `desiredPublic` are exactly the cluster's stored desired columns
   * (ciphertext and public render; the claim wrote no registry into either): an install that
   * applied them copies those columns in its completion statement instead of sending them.
   */
  desiredAsStored: boolean;
  /** The configuration the cluster was last installed or converged with. */
  applied: RenderedConfig | null;
  /** The secrets found in the stored rendered configurations (what the masker took from them). */
  renderedSecrets: ClaimedRenderedSecrets;
  /** dhctl's state cache as JSON (map of base64), from the last finished operation. */
  dhctlState: string | null;
  /** dhctl's state as of the last completed phase of THIS operation (resume after a crash). */
  phaseState: string | null;
  sshPrivateKey: string | null;
  /** The cluster's agent key as of the claim (null: none yet; `ensureClaimedAgentKey` makes it). */
  agentKey: string | null;
  /**
   * Masks this operation's secrets (SSH key, password values, registry credentials, agent key,
   * secrets in the rendered documents) in log lines, the result and the error before they are
   * stored. Add secrets that appear during the run (a new agent key) with `masker.add`.
   */
  masker: SecretMasker;
};

/** The secrets of a cluster's stored renders as of the claim. */
export type ClaimedRenderedSecrets = {
  /** The digest of the desired and applied ciphertexts as claimed ({@link renderedSecretsKey}). */
  readonly key: string;
  /** The claimed ciphertexts (desired, applied). */
  readonly desiredEncrypted: string | null;
  readonly appliedEncrypted: string | null;
  /** The list: read from `masker_secrets_encrypted` when stored for `key`, else parsed now. */
  list(): string[];
  /** True once {@link list} had to parse the YAML (nothing stored for `key`). */
  readonly parsed: boolean;
};

/** The DKP version in a cluster's latest telemetry snapshot (`cluster_agent_data`). */
export function reportedDkpVersion(agentData: unknown): string | null {
  if (!Array.isArray(agentData)) {
    return null;
  }
  const overview = agentData.find((d: { source?: string }) => d?.source === 'overview') as
    { data?: { dkp_version?: unknown } } | undefined;
  return typeof overview?.data?.dkp_version === 'string' ? overview.data.dkp_version : null;
}

/** The status event a starting operation of each kind causes, if any. */
const START_EVENTS: Partial<Record<OperationKind, ClusterEvent>> = {
  INSTALL: 'install_started',
  UPDATE: 'converge_started',
  ATTACH: 'join_started',
};

/** kind → (status → status after the start), from the status machine, for the claim statement. */
const START_TRANSITIONS: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(START_EVENTS).map(([kind, event]) => [
    kind,
    Object.fromEntries(
      CLUSTER_TRANSITIONS[event].from.map((from) => [from, CLUSTER_TRANSITIONS[event].to]),
    ),
  ]),
);

/**
 * The kinds whose completion stores the claimed public desired render (as the applied one, or
 * next to an attach's findings): the claim reads the public render for these only.
 */
const PUBLIC_RENDER_KINDS: readonly OperationKind[] = ['INSTALL', 'UPDATE', 'ATTACH'];

/** Why `claimOperation` did not claim: the cluster is busy with another operation. */
export const CLUSTER_BUSY = 'busy' as const;

/**
 * Claims an operation for a replica instance: QUEUED → RUNNING, attempt + 1, and the cluster's
 * status moves for the kind of work. One operation per cluster, enforced here (under the
 * cluster's row lock) and by the partial unique index on running operations: while another
 * operation of the cluster is running, or an older one is still queued (an operation taken back
 * from a dead replica resumes before a later delete), the answer is `'busy'` and the caller
 * tries again later. A RUNNING operation is claimed again only by the instance that holds it
 * (a retry of its own job) or when no instance holds it (rows from before instance ids).
 * Returns null when the operation is no longer runnable (finished, cancelled, superseded,
 * running elsewhere, its cluster archived), so a re-delivered job is a no-op.
 * `options.agentKey`: the run will hand the cluster's agent its key (an install): a cluster
 * without one gets a new key in the claim's statement (`agentKey` of the result).
 */
export async function claimOperation(
  db: Db,
  encryptor: Encryptor,
  operationId: string,
  replicaId: string,
  instanceId: string | null = null,
  options: { agentKey?: boolean } = {},
): Promise<ClaimedOperation | typeof CLUSTER_BUSY | null> {
  const newAgentKey = options.agentKey ? generateToken('agent') : null;
  const claimed = await claimOperationRow(db, {
    operationId,
    replicaId,
    instanceId,
    startTransitions: START_TRANSITIONS,
    eventsChannel: EVENTS_CHANNEL,
    publicRenderKinds: PUBLIC_RENDER_KINDS,
    agentKey: newAgentKey
      ? { hash: hashToken(newAgentKey), encrypted: encryptor.encrypt(newAgentKey) }
      : null,
  });
  if (claimed.outcome === 'busy') {
    return CLUSTER_BUSY;
  }
  if (claimed.outcome === 'gone') {
    return null;
  }
  const { operation: op, cluster, registry } = claimed;
  const rendered = decryptRendered(encryptor, cluster.desiredRenderedEncrypted);
  // Decrypted on first use: a check (desired only) with its masker cached never needs it.
  let appliedCache: RenderedConfig | null | undefined;
  const appliedConfig = () =>
    (appliedCache ??= decryptRendered(encryptor, cluster.appliedRenderedEncrypted));
  const sshPrivateKey = cluster.sshPrivateKeyEncrypted
    ? encryptor.decrypt(cluster.sshPrivateKeyEncrypted)
    : null;
  const registryDockerConfig = registry?.dockerConfigEncrypted
    ? encryptor.decrypt(registry.dockerConfigEncrypted)
    : null;
  // The registry as it is now (not as of the last render): a registry fixed on the Registries
  // page (credentials, CA) is used by the next install attempt.
  const clusterRegistry: ClusterRegistry | null = registry
    ? {
        mode: cluster.registryMode === 'Unmanaged' ? 'Unmanaged' : 'Direct',
        imagesRepo: registry.imagesRepo,
        scheme: registry.scheme === 'HTTP' ? 'HTTP' : 'HTTPS',
        ca: registry.ca,
        dockerCfg: registryDockerConfig,
      }
    : null;
  const desired = rendered
    ? {
        ...rendered,
        init_configuration: applyRegistry(rendered.init_configuration, clusterRegistry),
      }
    : null;
  const storedPublic = readPublicRendered(cluster.desiredRenderedPublic);
  const desiredPublic = storedPublic
    ? {
        ...storedPublic,
        init_configuration: applyRegistry(storedPublic.init_configuration, clusterRegistry, true),
      }
    : null;
  const agentKey =
    claimed.agentKeyGiven && newAgentKey
      ? newAgentKey
      : cluster.agentKeyEncrypted
        ? encryptor.decrypt(cluster.agentKeyEncrypted)
        : null;
  // The renders' secrets come from what they were stored with (no YAML parsed) while the render
  // ciphertexts are the ones they were found in; else from the stored renders' YAML. The
  // registry's docker config, which the claim may write into `desired`, is added to the masker
  // on its own below.
  // Digested on first use: a run whose masker is cached (a periodic check) never needs it.
  let secretsKey: string | null = null;
  let secretsList: string[] | null = null;
  let secretsParsed = false;
  const renderedSecrets: ClaimedRenderedSecrets = {
    get key() {
      return (secretsKey ??= renderedSecretsKey(
        cluster.desiredRenderedEncrypted,
        cluster.appliedRenderedEncrypted,
      ));
    },
    desiredEncrypted: cluster.desiredRenderedEncrypted,
    appliedEncrypted: cluster.appliedRenderedEncrypted,
    list() {
      secretsList ??= readMaskerSecrets(encryptor, cluster.maskerSecretsEncrypted, this.key);
      if (secretsList === null) {
        secretsList = secretsInRenderedConfig(rendered, appliedConfig());
        secretsParsed = true;
      }
      return secretsList;
    },
    get parsed() {
      return secretsParsed;
    },
  };
  const masker = operationMaskers.get(cluster.id, maskerSourceKey(cluster, registry), () =>
    createOperationMasker({
      sshPrivateKey,
      secretValues: cluster.secretValuesEncrypted
        ? decryptSecretValues(encryptor, cluster.secretValuesEncrypted)
        : null,
      registryDockerConfig,
      agentKey,
      renderedSecrets: renderedSecrets.list(),
    }),
  );
  return {
    operation: op,
    cluster: {
      id: cluster.id,
      uuid: cluster.uuid,
      workspaceId: cluster.workspaceId,
      name: cluster.name,
      status: cluster.status,
      clusterType: cluster.clusterType,
      desiredRevision: cluster.desiredRevision,
      appliedRevision: cluster.appliedRevision,
      changeMode: cluster.changeMode,
      dkpVersion: reportedDkpVersion(cluster.agentData),
    },
    desired,
    desiredEncrypted:
      rendered && desired && desired.init_configuration === rendered.init_configuration
        ? cluster.desiredRenderedEncrypted
        : null,
    desiredAsStored:
      rendered !== null &&
      desired !== null &&
      desired.init_configuration === rendered.init_configuration &&
      (storedPublic === null ||
        desiredPublic?.init_configuration === storedPublic.init_configuration),
    desiredPublic,
    renderedSecrets,
    get applied() {
      return appliedConfig();
    },
    set applied(value: RenderedConfig | null) {
      appliedCache = value;
    },
    dhctlState: cluster.dhctlStateEncrypted ? encryptor.decrypt(cluster.dhctlStateEncrypted) : null,
    phaseState: op.phaseStateEncrypted ? encryptor.decrypt(op.phaseStateEncrypted) : null,
    sshPrivateKey,
    agentKey,
    masker,
  };
}

/**
 * The applied configuration's ciphertext after an operation applied `claimed.desired`: the
 * desired render's stored ciphertext when the claim did not change it (no deflate and AES of the
 * whole render again), else `desired` encrypted. Null without a desired configuration.
 */
export function appliedCiphertext(
  encryptor: Encryptor,
  claimed: Pick<ClaimedOperation, 'desired' | 'desiredEncrypted'>,
): string | null {
  return claimed.desired
    ? (claimed.desiredEncrypted ?? encryptRendered(encryptor, claimed.desired))
    : null;
}

/**
 * The `masker_secrets_encrypted` to store with a check's completion: the renders' secrets this
 * claim had to parse (none were stored for the renders it found), so the next replica to claim
 * an operation of the cluster reads them instead. Null when they were stored already (or never
 * needed: the masker came from this process's cache): the column is left as it is.
 */
export function maskerSecretsToStore(
  encryptor: Encryptor,
  claimed: ClaimedOperation,
): string | null {
  const secrets = claimed.renderedSecrets;
  return secrets.parsed ? encryptMaskerSecrets(encryptor, secrets.key, secrets.list()) : null;
}

/**
 * The `masker_secrets_encrypted` to store when an operation that applied `claimed.desired`
 * (an install) records `appliedEncrypted` as the applied configuration: the desired render's
 * secrets (and those of what the claim wrote into it, the registry), for the renders as they
 * will then be stored, so the cluster's next operations (its first checks on every replica)
 * parse no YAML. Null (the column is left as it is, and the next claim parses) when the claim's
 * list also holds a different, older applied render's secrets.
 */
export function maskerSecretsAfterApply(
  encryptor: Encryptor,
  claimed: ClaimedOperation,
  appliedEncrypted: string | null,
): string | null {
  const secrets = claimed.renderedSecrets;
  if (
    secrets.desiredEncrypted === null ||
    (secrets.appliedEncrypted !== null && secrets.appliedEncrypted !== secrets.desiredEncrypted)
  ) {
    return null;
  }
  const list = [...secrets.list()];
  const applied = claimed.desired;
  if (applied && claimed.desiredEncrypted === null) {
    // The claim wrote the registry into the InitConfiguration: its secrets are in the applied
    // render (the registry's docker config).
    try {
      list.push(...secretsInDocuments(applied.init_configuration));
    } catch {
      return null;
    }
  }
  return encryptMaskerSecrets(
    encryptor,
    renderedSecretsKey(secrets.desiredEncrypted, appliedEncrypted),
    list,
  );
}

/**
 * Appends log lines to an operation, numbering them after the lines already stored (one
 * statement reserves the sequence numbers, so concurrent writers cannot collide). Every line
 * goes through the operation's masker first: there is no way to store an unmasked line.
 */
export async function appendOperationLogs(
  db: Db,
  operationId: string,
  rawLines: string[],
  masker: SecretMasker,
): Promise<void> {
  if (rawLines.length === 0) {
    return;
  }
  const lines = masker.maskLines(rawLines);
  await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ log_count: number }[]>`
      UPDATE cluster_operations SET log_count = log_count + ${lines.length}
      WHERE id = ${operationId}::uuid RETURNING log_count`;
    const end = rows[0]?.log_count ?? lines.length;
    const start = end - lines.length;
    const ts = new Date();
    await tx.operationLog.createMany({
      data: lines.map((line, i) => ({
        operationId,
        seq: start + i + 1,
        line: line.slice(0, 10_000),
        ts,
      })),
    });
  });
}

export type ProgressUpdate = {
  progress: number;
  phase: string | null;
  phases: OperationPhase[];
};

/** Records progress and the phase list; announces it to live listeners. */
export async function updateOperationProgress(
  db: Db,
  operationId: string,
  update: ProgressUpdate,
): Promise<void> {
  const op = await db.clusterOperation.update({
    where: { id: operationId },
    data: {
      progress: Math.max(0, Math.min(1, update.progress)),
      phase: update.phase,
      phases: update.phases,
      heartbeatAt: new Date(),
    },
    select: { clusterId: true, cluster: { select: { workspaceId: true } } },
  });
  await notifyChange(db, {
    type: 'operation',
    id: operationId,
    workspace_id: op.cluster.workspaceId,
    cluster_id: op.clusterId,
    action: 'progress',
  });
}

/**
 * One write of an operation's recorder: log lines (masked here, numbered after the stored
 * ones), the progress and a completed phase's dhctl state (encrypted here), in one statement;
 * `notify` also announces the progress (the recorder coalesces: once per phase change, at most
 * every few seconds otherwise). With `heldBy`, answers whether that instance still holds the
 * operation (the phase state is stored only if it does); without, true.
 */
export async function recordOperation(
  db: Db,
  operationId: string,
  batch: {
    lines: string[];
    masker: SecretMasker;
    progress: ProgressUpdate | null;
    notify: boolean;
    heldBy?: string | null;
    phaseState?: { phase: string; stateEncrypted: string } | null;
  },
): Promise<boolean> {
  const heldBy = batch.heldBy ?? null;
  if (batch.lines.length === 0 && !batch.progress && !batch.phaseState) {
    return heldBy === null ? true : operationHeldBy(db, operationId, heldBy);
  }
  return recordOperationBatch(db, {
    operationId,
    lines: batch.masker.maskLines(batch.lines),
    progress: batch.progress
      ? {
          progress: Math.max(0, Math.min(1, batch.progress.progress)),
          phase: batch.progress.phase,
          phases: batch.progress.phases,
        }
      : null,
    notifyChannel: batch.notify && batch.progress ? EVENTS_CHANNEL : null,
    heldBy,
    phaseState: batch.phaseState ?? null,
  });
}

/** True while `instanceId` holds the operation (RUNNING and its instance). */
export function operationStillHeld(
  db: Db,
  operationId: string,
  instanceId: string,
): Promise<boolean> {
  return operationHeldBy(db, operationId, instanceId);
}

/**
 * Thrown when an operation is no longer this instance's (it was taken over after this replica
 * was declared dead, or handed back): the run must stop without recording anything.
 */
export class OperationLostError extends Error {
  constructor(operationId: string) {
    super(`operation ${operationId} was taken over by another replica instance`);
    this.name = 'OperationLostError';
  }
}

/** Why a run was cancelled: a user asked (the operation heartbeat saw `cancel_requested_at`). */
export type CancelReason = 'requested_by_user';

/**
 * The abort reason of a run a user cancelled (as opposed to a shutdown, which stops at a phase
 * boundary, or a takeover: {@link OperationLostError}). The run ends CANCELLED.
 */
export class OperationCancelledError extends Error {
  readonly reason: CancelReason;
  constructor(operationId: string, reason: CancelReason = 'requested_by_user') {
    super(`operation ${operationId} was cancelled by a user`);
    this.name = 'OperationCancelledError';
    this.reason = reason;
  }
}

/**
 * Stores dhctl's state as of a completed phase, encrypted, before dhctl is told to continue:
 * a replica that takes over resumes from here. With `instanceId`, only while that instance
 * still holds the operation (else OperationLostError: another instance owns it now).
 */
export async function savePhaseState(
  db: Db,
  encryptor: Encryptor,
  operationId: string,
  completedPhase: string,
  stateJson: string,
  instanceId: string | null = null,
): Promise<void> {
  const saved = await savePhaseStateRow(
    db,
    operationId,
    completedPhase,
    encryptor.encrypt(stateJson),
    instanceId,
  );
  if (!saved) {
    throw new OperationLostError(operationId);
  }
}

/**
 * Marks the operation's heartbeat; returns whether a cancel was requested and whether the
 * operation is lost to this instance (`instanceId` given and no longer holding it).
 */
export async function heartbeatOperation(
  db: Db,
  operationId: string,
  instanceId: string | null = null,
): Promise<{ cancelRequested: boolean; lost: boolean }> {
  const beat = await heartbeatOperationRow(db, operationId, instanceId);
  return { cancelRequested: beat?.cancelRequested ?? false, lost: beat === null };
}

export type OperationOutcome = {
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  error?: string | null;
  result?: unknown;
};

/**
 * Finishes an operation row inside the caller's transaction; the error text and the result are
 * masked with the operation's masker before they are stored.
 */
export async function finishOperationRow(
  tx: Tx,
  claimed: Pick<ClaimedOperation, 'operation' | 'masker'>,
  outcome: OperationOutcome,
): Promise<ClusterOperation> {
  const { masker } = claimed;
  return tx.clusterOperation.update({
    where: { id: claimed.operation.id },
    data: {
      status: outcome.status,
      error: outcome.error ? masker.mask(outcome.error) : null,
      result:
        outcome.result === undefined
          ? undefined
          : (masker.maskJson(outcome.result) as Prisma.InputJsonValue),
      finishedAt: new Date(),
      progress: outcome.status === 'SUCCEEDED' ? 1 : undefined,
      heartbeatAt: new Date(),
      phaseStateEncrypted: null,
    },
  });
}
