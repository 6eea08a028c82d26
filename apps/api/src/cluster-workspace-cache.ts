/**
 * Which workspace each live cluster is in, for the Kubernetes proxy's per-request check (one
 * PostgreSQL round trip less on every proxied request). Kept honest like the agent key cache:
 * the trigger on `clusters` NOTIFYs `commander_agent_keys` with the cluster id when it is
 * archived, moved to another workspace or deleted (plugins/agent-keys.ts calls
 * {@link invalidate}); while that LISTEN connection is down nothing is served from here.
 */
export class ClusterWorkspaceCache {
  private readonly entries = new Map<string, string>();
  private listening = false;
  /** Bumped by every invalidation: a lookup that raced one is not cached. */
  private generation = 0;
  private readonly maxEntries: number;

  constructor(maxEntries = 20_000) {
    this.maxEntries = maxEntries;
  }

  setListening(listening: boolean): void {
    if (!listening) {
      this.clear();
    }
    this.listening = listening;
  }

  invalidate(clusterId: string): void {
    this.generation++;
    this.entries.delete(clusterId);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The workspace id of live cluster `clusterId` (null: none), from here or from `load`. */
  async workspaceOf(
    clusterId: string,
    load: (clusterId: string) => Promise<string | null>,
  ): Promise<string | null> {
    if (this.listening) {
      const hit = this.entries.get(clusterId);
      if (hit !== undefined) {
        return hit;
      }
    }
    const generation = this.generation;
    const workspaceId = await load(clusterId);
    if (workspaceId !== null && this.listening && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) {
          this.entries.delete(oldest);
        }
      }
      this.entries.set(clusterId, workspaceId);
    }
    return workspaceId;
  }
}
