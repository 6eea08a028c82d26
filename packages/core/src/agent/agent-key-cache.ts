import { hashToken, timingSafeEqualHex } from '@commander/crypto';
import type { AgentAuthRow } from '@commander/db';

/** The cluster an agent key opens: all the agent API needs to know about its caller. */
export type AgentIdentity = { id: string; uuid: string; workspaceId: string };

/** PostgreSQL channel on which a trigger announces clusters whose agent keys changed. */
export const AGENT_KEYS_CHANNEL = 'commander_agent_keys';

export type AgentKeyCacheOptions = {
  /** How long a cluster's key hashes are trusted without asking PostgreSQL (default 30 s). */
  ttlMs?: number;
  /** At most this many clusters are kept (default 20,000); the oldest entry goes first. */
  maxEntries?: number;
  /** The clock (tests). */
  now?: () => number;
};

type Entry = { row: AgentAuthRow; expiresAt: number };

/**
 * Agent authentication from an in-process cache: a cluster's key hashes (current, and previous
 * with its grace expiry) by cluster uuid, kept `ttlMs`. Changes are not waited out: a trigger on
 * `clusters` NOTIFYs {@link AGENT_KEYS_CHANNEL} with the cluster id on every key rotation,
 * archival or deletion, and the process listening calls {@link invalidate}. While that listener
 * is not connected ({@link setListening}(false)) nothing is served from the cache, because
 * notifications could be missed. Only a match of the current key is answered from the cache;
 * anything else (the previous key in its grace period, a key matching nothing, perhaps one just
 * issued) reads PostgreSQL, so a rotation takes effect on the very next request whether or not
 * the notification has arrived yet; archival and deletion take effect when it arrives (at
 * commit, milliseconds).
 */
export class AgentKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly uuidById = new Map<string, string>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private listening = false;
  /** Bumped by every invalidation: a lookup that raced one is not cached. */
  private generation = 0;
  private readonly lookup: (uuid: string) => Promise<AgentAuthRow | null>;

  constructor(
    lookup: (uuid: string) => Promise<AgentAuthRow | null>,
    options: AgentKeyCacheOptions = {},
  ) {
    this.lookup = lookup;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether invalidations can arrive; the cache is bypassed (and emptied) while they cannot. */
  setListening(listening: boolean): void {
    if (!listening) {
      this.clear();
    }
    this.listening = listening;
  }

  /** Drops a cluster's entry (its keys changed, it was archived or deleted). */
  invalidate(clusterId: string): void {
    this.generation++;
    const uuid = this.uuidById.get(clusterId);
    if (uuid !== undefined) {
      this.entries.delete(uuid);
      this.uuidById.delete(clusterId);
    }
  }

  /** Drops everything. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.uuidById.clear();
  }

  /** Entries held (tests, metrics). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The cluster whose agent key `key` is (or whose previous key, within its grace period), for
   * the cluster with `uuid`; null otherwise.
   */
  async authenticate(uuid: string, key: string): Promise<AgentIdentity | null> {
    return this.authenticateHash(uuid, AgentKeyCache.hashKey(key));
  }

  /** The hash {@link authenticateHash} compares (a connector keeps it to re-check a tunnel). */
  static hashKey(key: string): string {
    return hashToken(key);
  }

  /** {@link authenticate} with the key's hash (re-checking a held tunnel after a change). */
  async authenticateHash(uuid: string, hash: string): Promise<AgentIdentity | null> {
    const cached = this.cached(uuid);
    // Only a match of the CURRENT key is served from the cache. A previous key (grace period),
    // a key that matches nothing (perhaps one just issued) and a miss read PostgreSQL, so a
    // rotation's effects never wait for the notification to arrive.
    if (
      cached &&
      !cached.archived &&
      cached.agentKeyHash &&
      timingSafeEqualHex(hash, cached.agentKeyHash)
    ) {
      return { id: cached.id, uuid: cached.uuid, workspaceId: cached.workspaceId };
    }
    const row = await this.load(uuid);
    if (!row || row.archived || !row.agentKeyHash) {
      return null;
    }
    const current = timingSafeEqualHex(hash, row.agentKeyHash);
    const previous =
      !current &&
      row.agentPreviousKeyHash !== null &&
      row.agentPreviousKeyExpiresAt !== null &&
      row.agentPreviousKeyExpiresAt.getTime() > this.now() &&
      timingSafeEqualHex(hash, row.agentPreviousKeyHash);
    return current || previous
      ? { id: row.id, uuid: row.uuid, workspaceId: row.workspaceId }
      : null;
  }

  private cached(uuid: string): AgentAuthRow | null {
    if (!this.listening) {
      return null;
    }
    const hit = this.entries.get(uuid);
    return hit && hit.expiresAt > this.now() ? hit.row : null;
  }

  private async load(uuid: string): Promise<AgentAuthRow | null> {
    const now = this.now();
    const generation = this.generation;
    const row = await this.lookup(uuid);
    if (row && this.listening && generation === this.generation) {
      if (this.entries.size >= this.maxEntries && !this.entries.has(uuid)) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) {
          const evicted = this.entries.get(oldest);
          this.entries.delete(oldest);
          if (evicted) {
            this.uuidById.delete(evicted.row.id);
          }
        }
      }
      this.entries.delete(uuid); // re-inserted last: eviction goes oldest-first
      this.entries.set(uuid, { row, expiresAt: now + this.ttlMs });
      this.uuidById.set(row.id, uuid);
    }
    return row;
  }
}
