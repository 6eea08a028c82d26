// In-memory registry of virtual clusters, optionally mirrored to a JSON file so clusters
// survive a restart. Emits a `change` event on every mutation: the simulated agents
// (agents/agent-fleet.ts) subscribe to it to start and stop per-cluster agents.
import { EventEmitter } from 'node:events';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { VirtualCluster } from './cluster-model.js';
import { cloneJson } from './documents.js';

/** A store mutation. `cluster` is a snapshot (for `removed`: the last state). */
export type ClusterChange = {
  type: 'created' | 'updated' | 'removed';
  cluster: VirtualCluster;
};

type StateFile = { version: 1; clusters: VirtualCluster[] };

/** The state file holds agent keys: owner read/write only. */
export const STATE_FILE_MODE = 0o600;
/** Mode of the state file's directory when the simulator creates it. */
export const STATE_DIR_MODE = 0o700;

/**
 * The virtual clusters. Reads return copies; writes go through `create`, `update` and
 * `remove` so every change is persisted and announced.
 */
export class ClusterStore {
  readonly #clusters = new Map<string, VirtualCluster>();
  readonly #events = new EventEmitter();
  readonly #stateFile: string | null;
  #writes: Promise<void> = Promise.resolve();
  #writeError: Error | null = null;
  #isWriteQueued = false;

  readonly #warn: (message: string) => void;

  /**
   * @param stateFile JSON file mirroring the clusters (mode 0600), or `null`.
   * @param warn where a warning about a too open state directory goes.
   */
  constructor(stateFile: string | null, warn: (message: string) => void = () => undefined) {
    this.#stateFile = stateFile;
    this.#warn = warn;
  }

  /** Loads clusters from the state file (a missing file is an empty store). */
  async load(): Promise<void> {
    if (!this.#stateFile) {
      return;
    }
    await this.#checkDirectory(path.dirname(this.#stateFile));
    let text: string;
    try {
      text = await readFile(this.#stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return;
      }
      throw error;
    }
    // A file written by an older version (or copied in) may be readable by others.
    await chmod(this.#stateFile, STATE_FILE_MODE);
    const data = JSON.parse(text) as Partial<StateFile>;
    if (data.version !== 1 || !Array.isArray(data.clusters)) {
      throw new Error(`${this.#stateFile}: not a dhctl-sim state file (version 1)`);
    }
    for (const cluster of data.clusters) {
      // An operation in flight when the process stopped did not finish.
      const status = cluster.status === 'bootstrapping' ? 'bootstrap_failed' : cluster.status;
      this.#clusters.set(cluster.uuid, { ...cluster, status });
    }
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (change: ClusterChange) => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  /** All clusters (copies), oldest first. */
  list(): VirtualCluster[] {
    return [...this.#clusters.values()].map((cluster) => cloneJson(cluster));
  }

  /** A copy of one cluster, or `null`. */
  get(uuid: string): VirtualCluster | null {
    const cluster = this.#clusters.get(uuid);
    return cluster ? cloneJson(cluster) : null;
  }

  /**
   * Runs `read` on the stored cluster without copying it (for frequent readers such as the
   * simulated agents) and returns its result, or `null` when the cluster does not exist.
   * `read` must not modify the cluster or keep references to it.
   */
  peek<T>(uuid: string, read: (cluster: Readonly<VirtualCluster>) => T): T | null {
    const cluster = this.#clusters.get(uuid);
    return cluster ? read(cluster) : null;
  }

  /** The cluster one of whose SSH hosts is `host`, or `null`. */
  findByHost(host: string): VirtualCluster | null {
    for (const cluster of this.#clusters.values()) {
      if (cluster.hosts.includes(host)) {
        return cloneJson(cluster);
      }
    }
    return null;
  }

  /** Adds a cluster. @throws Error when the uuid exists. */
  create(cluster: VirtualCluster): VirtualCluster {
    if (this.#clusters.has(cluster.uuid)) {
      throw new Error(`virtual cluster ${cluster.uuid} already exists`);
    }
    this.#clusters.set(cluster.uuid, cloneJson(cluster));
    this.#changed('created', cluster);
    return cloneJson(cluster);
  }

  /**
   * Applies `mutate` to the stored cluster and persists it. Returns the new copy, or `null`
   * when the cluster is gone (destroyed meanwhile).
   */
  update(uuid: string, mutate: (cluster: VirtualCluster) => void): VirtualCluster | null {
    const current = this.#clusters.get(uuid);
    if (!current) {
      return null;
    }
    const next = cloneJson(current);
    mutate(next);
    next.uuid = uuid;
    next.updatedAt = new Date().toISOString();
    this.#clusters.set(uuid, next);
    this.#changed('updated', next);
    return cloneJson(next);
  }

  /** Removes a cluster; returns whether it existed. */
  remove(uuid: string): boolean {
    const current = this.#clusters.get(uuid);
    if (!current) {
      return false;
    }
    this.#clusters.delete(uuid);
    this.#changed('removed', current);
    return true;
  }

  /** Waits until pending writes of the state file are done; rethrows the last write error. */
  async flush(): Promise<void> {
    await this.#writes;
    if (this.#writeError) {
      const error = this.#writeError;
      this.#writeError = null;
      throw error;
    }
  }

  /**
   * Warns when the state directory is open to others. An existing directory is not changed:
   * it may be shared (`/tmp`), and the file itself is 0600 either way.
   */
  async #checkDirectory(directory: string): Promise<void> {
    const info = await stat(directory).catch(() => null);
    if (info && (info.mode & 0o077) !== 0 && (info.mode & 0o1000) === 0) {
      this.#warn(
        `state directory ${directory} is accessible to other users (mode ` +
          `${(info.mode & 0o777).toString(8)}); the state file itself is 0600`,
      );
    }
  }

  #changed(type: ClusterChange['type'], cluster: VirtualCluster): void {
    this.#persist();
    this.#events.emit('change', { type, cluster: cloneJson(cluster) } satisfies ClusterChange);
  }

  #persist(): void {
    const file = this.#stateFile;
    if (!file || this.#isWriteQueued) {
      return;
    }
    // Serialize writes and replace the file atomically, so a crash never leaves half a file.
    // The snapshot is taken when the write starts, so a burst of changes (thousands of
    // simulated agents applying resources) costs one write, not one per change.
    this.#isWriteQueued = true;
    this.#writes = this.#writes.then(async () => {
      this.#isWriteQueued = false;
      const snapshot: StateFile = { version: 1, clusters: [...this.#clusters.values()] };
      const text = `${JSON.stringify(snapshot, null, 2)}\n`;
      try {
        await mkdir(path.dirname(file), { recursive: true, mode: STATE_DIR_MODE });
        const temporary = `${file}.${process.pid}.tmp`;
        // A leftover temporary file may have another mode: write a new one, created 0600
        // (exclusive create), so the key-bearing content is never readable by others.
        await rm(temporary, { force: true });
        await writeFile(temporary, text, { encoding: 'utf8', mode: STATE_FILE_MODE, flag: 'wx' });
        await chmod(temporary, STATE_FILE_MODE);
        await rename(temporary, file);
      } catch (error) {
        this.#writeError = error as Error;
      }
    });
  }
}
