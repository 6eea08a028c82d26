import type { AgentResources } from '@commander/contracts';
import { type Queryable, type ResourcesStamp, stampResourcesVersions } from '@commander/db';

/** PostgreSQL channel on which a trigger announces clusters whose agent resources changed. */
export const AGENT_RESOURCES_CHANNEL = 'commander_agent_resources';

/** A render's resource groups, parsed once: the same for every cluster with that render. */
export type ParsedTemplateGroups = {
  groups: AgentResources['groups'];
  /** `JSON.stringify(groups)`. */
  json: string;
};

/**
 * What a cluster's resources document is assembled from once its render is parsed: the render's
 * groups (shared by every cluster with the same render) and the cluster's uuid and agent key as
 * stored (ENCRYPTED: the key is decrypted only while a body is written, never kept in clear).
 */
export type AgentResourcesSource = {
  template: ParsedTemplateGroups;
  uuid: string;
  agentKeyEncrypted: string | null;
};

export type AgentResourcesCacheOptions = {
  /** At most this many clusters' versions are kept (default 20,000); the oldest goes first. */
  maxVersions?: number;
  /**
   * What the documents kept with their versions are built from, at most this many bytes of
   * parsed render groups in all (counted per cluster, though clusters with the same render share
   * them; default 64 MiB); beyond it a version is kept without its document.
   */
  maxDocumentBytes?: number;
  /** At most this many distinct renders are kept parsed (default 256); least recently used goes. */
  maxTemplates?: number;
};

/**
 * What the agent resource poll computes once and every poll reuses, per API process:
 *
 * - **versions**: each cluster's current resources version (content hash), so a poll whose
 *   `If-None-Match` names it is a 304 without a statement; with it, once built here, what the
 *   document is built from (the render's parsed groups, shared, and the agent key as stored,
 *   ENCRYPTED), so a poll without the current ETag (an agent's first, or one after a restart) is
 *   answered without a statement, a render decryption, a parse or a hash either. A trigger on `clusters` NOTIFYs
 *   {@link AGENT_RESOURCES_CHANNEL} with the cluster id when the desired render or the agent key
 *   changes (or the row is deleted) and the listening process calls {@link invalidate}. While
 *   that listener is not connected ({@link setListening}(false)) no version is served or kept;
 *   a version read before an invalidation arrived is not kept (a generation counter).
 * - **templates**: a render's resource groups parsed from their YAML, by the render's decrypted
 *   text (content, not ciphertext: two clusters with the same render share one parse). Content
 *   never changes under its key, so these need no invalidation; they are bounded (LRU).
 */
type VersionEntry = { version: string; source: AgentResourcesSource | null };

export class AgentResourcesCache {
  private readonly versions = new Map<string, VersionEntry>();
  private documentBytes = 0;
  private readonly maxDocumentBytes: number;
  private readonly templates = new Map<string, ParsedTemplateGroups>();
  private readonly maxVersions: number;
  private readonly maxTemplates: number;
  private listening = false;
  private generation = 0;

  constructor(options: AgentResourcesCacheOptions = {}) {
    this.maxVersions = options.maxVersions ?? 20_000;
    this.maxTemplates = options.maxTemplates ?? 256;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 64 * 1024 * 1024;
  }

  /** Whether invalidations can arrive; versions are bypassed (and emptied) while they cannot. */
  setListening(listening: boolean): void {
    this.clear();
    this.listening = listening;
  }

  /** Drops a cluster's version (its render or key changed, or it was deleted). */
  invalidate(clusterId: string): void {
    this.generation++;
    this.drop(clusterId);
  }

  /** Drops every cluster's version. */
  clear(): void {
    this.generation++;
    this.versions.clear();
    this.documentBytes = 0;
  }

  private drop(clusterId: string): void {
    const entry = this.versions.get(clusterId);
    if (entry) {
      this.documentBytes -= entry.source?.template.json.length ?? 0;
      this.versions.delete(clusterId);
    }
  }

  /** Taken before reading a cluster: {@link remember} keeps what was read only if still current. */
  get mark(): number {
    return this.generation;
  }

  /** The cluster's cached version, if it can be trusted. */
  version(clusterId: string): string | undefined {
    return this.listening ? this.versions.get(clusterId)?.version : undefined;
  }

  /** The cluster's cached document (its version and what it is built from), if trusted. */
  document(clusterId: string): { version: string; source: AgentResourcesSource } | undefined {
    if (!this.listening) {
      return undefined;
    }
    const entry = this.versions.get(clusterId);
    return entry?.source ? { version: entry.version, source: entry.source } : undefined;
  }

  /**
   * Keeps a version (and what its document is built from, `source`) read after {@link mark}
   * returned `mark`, unless an invalidation came since. A version kept again without a source
   * keeps the source it had if the version is the same.
   */
  remember(
    clusterId: string,
    version: string,
    mark: number,
    source: AgentResourcesSource | null = null,
  ): void {
    if (!this.listening || mark !== this.generation) {
      return;
    }
    const had = this.versions.get(clusterId);
    const kept = source ?? (had?.version === version ? had.source : null);
    this.drop(clusterId);
    if (this.versions.size >= this.maxVersions) {
      const oldest = this.versions.keys().next();
      if (!oldest.done) {
        this.drop(oldest.value);
      }
    }
    const bytes = kept?.template.json.length ?? 0;
    const fits = kept !== null && this.documentBytes + bytes <= this.maxDocumentBytes;
    this.versions.set(clusterId, { version, source: fits ? kept : null });
    if (fits) {
      this.documentBytes += bytes;
    }
  }

  /** Versions held (tests, metrics). */
  get size(): number {
    return this.versions.size;
  }

  /** The render's parsed groups, parsing it (`parse`) only the first time it is seen. */
  template(renderText: string, parse: () => AgentResources['groups']): ParsedTemplateGroups {
    const hit = this.templates.get(renderText);
    if (hit) {
      this.templates.delete(renderText);
      this.templates.set(renderText, hit);
      return hit;
    }
    const groups = parse();
    const parsed = { groups, json: JSON.stringify(groups) };
    if (this.templates.size >= this.maxTemplates) {
      const oldest = this.templates.keys().next();
      if (!oldest.done) {
        this.templates.delete(oldest.value);
      }
    }
    this.templates.set(renderText, parsed);
    return parsed;
  }
}

/**
 * Computed resources versions waiting to be stored: gathered for `flushMs` and written in ONE
 * statement ({@link stampResourcesVersions}), off the request (the stored version serves other
 * processes and restarts; this process already has it in its {@link AgentResourcesCache}). A
 * failed write is logged and dropped: the next poll that misses recomputes it.
 */
export class ResourcesStampQueue {
  private readonly pending = new Map<string, ResourcesStamp>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  private readonly db: Queryable;
  private readonly options: { flushMs?: number; warn: (err: unknown, message: string) => void };

  constructor(
    db: Queryable,
    options: { flushMs?: number; warn: (err: unknown, message: string) => void },
  ) {
    this.db = db;
    this.options = options;
  }

  add(stamp: ResourcesStamp): void {
    this.pending.set(stamp.clusterId, stamp);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.flushMs ?? 50);
  }

  /** Stamps waiting (tests). */
  get backlog(): number {
    return this.pending.size;
  }

  /** Writes what waits now; resolves when it (and any write before it) is done. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const stamps = [...this.pending.values()];
    this.pending.clear();
    if (stamps.length > 0) {
      this.writing = this.writing.then(() =>
        stampResourcesVersions(this.db, stamps).then(
          () => undefined,
          (err: unknown) => this.options.warn(err, 'storing resources versions failed'),
        ),
      );
    }
    return this.writing;
  }
}
