import { generateToken, hashToken } from '@commander/crypto';
import { type Db, setAgentKeyIfMissingRow, type Tx } from '@commander/db';

import type { Encryptor } from '../context.js';

/** A rotated key keeps working this long, so the agent can fetch its new one. */
export const PREVIOUS_KEY_GRACE_MS = 60 * 60 * 1000;

/**
 * Gives a cluster an agent key if it has none (at install or join), inside the caller's
 * transaction: stored hashed for authentication and encrypted so Commander can hand it to the
 * agent in its credentials Secret. Returns the key.
 */
export async function ensureAgentKey(
  tx: Tx,
  encryptor: Encryptor,
  clusterId: string,
): Promise<string> {
  const cluster = await tx.cluster.findUniqueOrThrow({
    where: { id: clusterId },
    select: { agentKeyEncrypted: true },
  });
  if (cluster.agentKeyEncrypted) {
    return encryptor.decrypt(cluster.agentKeyEncrypted);
  }
  const key = generateToken('agent');
  await tx.cluster.update({
    where: { id: clusterId },
    data: { agentKeyHash: hashToken(key), agentKeyEncrypted: encryptor.encrypt(key) },
  });
  return key;
}

/**
 * The agent key of a claimed operation's cluster: the one read at the claim; else a new one,
 * stored in one statement unless the cluster got one meanwhile (then that one, read as
 * {@link ensureAgentKey} does).
 */
export async function ensureClaimedAgentKey(
  db: Db,
  encryptor: Encryptor,
  clusterId: string,
  claimedKey: string | null,
): Promise<string> {
  if (claimedKey) {
    return claimedKey;
  }
  const key = generateToken('agent');
  if (await setAgentKeyIfMissingRow(db, clusterId, hashToken(key), encryptor.encrypt(key))) {
    return key;
  }
  return db.$transaction((tx) => ensureAgentKey(tx, encryptor, clusterId));
}
