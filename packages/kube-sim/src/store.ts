// The object store: every object of the virtual cluster, one global resourceVersion counter, and
// the recent change history that watches resume from.
import { randomUUID } from 'node:crypto';

import type { ResourceDef } from './resources.js';

/** A Kubernetes object as JSON. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
};

/** The metadata fields the simulator reads and maintains. */
export type KubeMetadata = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }[];
  [key: string]: unknown;
};

/** A change as a watch reports it. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change in the history. */
export type Change = {
  rv: number;
  type: WatchEventType;
  plural: string;
  object: KubeObject;
  /** For MODIFIED: the object before (a selective watch turns it into ADDED or DELETED). */
  previous?: KubeObject;
};

/** A registered watch. */
export type Watcher = { plural: string; namespace: string | null; send: (change: Change) => void };

/** How many changes the history keeps: an older resourceVersion gets `410 Gone`. */
const HISTORY = 5_000;

/** The objects of one virtual cluster. */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 1;

  /** The current (latest) resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumable(): number {
    return this.history.length > 0 ? (this.history[0]?.rv ?? this.rv) - 1 : this.rv;
  }

  private bucket(plural: string): Map<string, KubeObject> {
    let bucket = this.objects.get(plural);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(plural, bucket);
    }
    return bucket;
  }

  /** The object, or undefined. Returned objects are copies. */
  get(plural: string, namespace: string | null, name: string): KubeObject | undefined {
    const found = this.bucket(plural).get(key(namespace, name));
    return found ? clone(found) : undefined;
  }

  /** Objects of a type, in one namespace or all; copies, sorted by namespace and name. */
  list(plural: string, namespace: string | null): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.bucket(plural).values()) {
      if (namespace === null || object.metadata.namespace === namespace) out.push(clone(object));
    }
    return out.sort((a, b) =>
      key(a.metadata.namespace ?? null, a.metadata.name ?? '').localeCompare(
        key(b.metadata.namespace ?? null, b.metadata.name ?? ''),
      ),
    );
  }

  /** Stores a new object: assigns uid, creationTimestamp, generation and a resourceVersion. */
  create(def: ResourceDef, object: KubeObject): KubeObject {
    const stored = clone(object);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.generation = 1;
    stored.metadata.resourceVersion = String(++this.rv);
    this.bucket(def.plural).set(
      key(stored.metadata.namespace ?? null, stored.metadata.name ?? ''),
      stored,
    );
    this.record('ADDED', def.plural, stored);
    return clone(stored);
  }

  /** Replaces a stored object; bumps generation when anything but metadata and status changed. */
  update(def: ResourceDef, object: KubeObject): KubeObject {
    const bucket = this.bucket(def.plural);
    const id = key(object.metadata.namespace ?? null, object.metadata.name ?? '');
    const previous = bucket.get(id);
    if (!previous) throw new Error(`no ${def.plural} ${id}`);
    const stored = clone(object);
    stored.metadata.uid = previous.metadata.uid;
    stored.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    stored.metadata.generation =
      (previous.metadata.generation ?? 1) + (specOf(previous) === specOf(stored) ? 0 : 1);
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(id, stored);
    this.record('MODIFIED', def.plural, stored, previous);
    return clone(stored);
  }

  /** Removes an object; returns it (with the deletion's resourceVersion) or undefined. */
  delete(plural: string, namespace: string | null, name: string): KubeObject | undefined {
    const bucket = this.bucket(plural);
    const id = key(namespace, name);
    const previous = bucket.get(id);
    if (!previous) return undefined;
    bucket.delete(id);
    const deleted = clone(previous);
    deleted.metadata.resourceVersion = String(++this.rv);
    this.record('DELETED', plural, deleted);
    return clone(deleted);
  }

  /**
   * Registers a watch. Changes after `sinceRv` are replayed first; returns null when `sinceRv` is
   * older than the history (the caller answers 410 Gone).
   */
  watch(watcher: Watcher, sinceRv: number | null): (() => void) | null {
    if (sinceRv !== null) {
      if (sinceRv < this.oldestResumable) return null;
      for (const change of this.history) {
        if (change.rv > sinceRv && matches(watcher, change)) watcher.send(change);
      }
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Number of open watches (tests). */
  get watchCount(): number {
    return this.watchers.size;
  }

  private record(
    type: WatchEventType,
    plural: string,
    object: KubeObject,
    previous?: KubeObject,
  ): void {
    const change: Change = {
      rv: this.rv,
      type,
      plural,
      object: clone(object),
      ...(previous ? { previous: clone(previous) } : {}),
    };
    this.history.push(change);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    for (const watcher of this.watchers) {
      if (matches(watcher, change)) watcher.send(change);
    }
  }
}

function matches(watcher: Watcher, change: Change): boolean {
  return (
    watcher.plural === change.plural &&
    (watcher.namespace === null || watcher.namespace === change.object.metadata.namespace)
  );
}

function key(namespace: string | null, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function specOf(object: KubeObject): string {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return JSON.stringify(rest);
}

/** A deep copy of JSON data. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
