// One resource-sync pass: pull the desired resources (ETag), apply them by server-side apply,
// delete or orphan what left the desired set, re-apply what was deleted in the cluster, and
// report the outcome per resource.
import {
  type AgentApiClient,
  type AppliedResource,
  describeRef,
  type DesiredResource,
  desiredResources,
  FIELD_MANAGER,
  planRemovals,
  resourceKey,
  type ResourceRef,
  resultOf,
  withCommanderMetadata,
} from '@commander/agent-client';
import { ORPHAN_LABEL, type ResourceResult } from '@commander/contracts';

import { KubeApiError, type KubeClient } from './kube-client.js';
import type { Logger } from './logger.js';
import type { StateStore, SyncState } from './state-store.js';

/** What a pass did. */
export type SyncPassOutcome = {
  /** `full`: a new version was applied; `check`: 304, only missing/failed resources were re-applied. */
  mode: 'full' | 'check';
  version: string;
  results: ResourceResult[];
  /** Resources re-created because they had disappeared from the cluster. */
  reapplied: number;
  /** Whether the results were reported (unchanged results are re-sent every `statusRefreshMs`). */
  reported: boolean;
  /** The server's intervals, from the last 200 answer. */
  pollIntervalMs: number;
  telemetryIntervalMs: number;
};

/** Dependencies of {@link ResourceSync}. */
export type ResourceSyncDeps = {
  kube: KubeClient;
  /** The agent API client to use for this pass (it may change when credentials rotate). */
  api: () => Promise<AgentApiClient>;
  state: StateStore;
  log: Logger;
  /** Unchanged results are re-reported at least this often. */
  statusRefreshMs: number;
  now?: () => number;
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

/** No answer, or the API server or a webhook is unavailable: the cluster view is incomplete. */
function isTransient(error: unknown): boolean {
  return (
    !(error instanceof KubeApiError) ||
    error.status === 0 ||
    error.status === 429 ||
    error.status >= 500
  );
}

/**
 * The resource-sync loop's state between passes: the ETag and desired set of the last 200,
 * the applied set (also persisted through `state`), and what was last reported.
 */
export class ResourceSync {
  readonly #deps: ResourceSyncDeps;
  #etag: string | null = null;
  #version: string | null = null;
  #desired: DesiredResource[] = [];
  #intervals = { pollMs: 30_000, telemetryMs: 60_000 };
  #state: SyncState | null = null;
  /** Results of the last pass per key: `error` ones are retried on a 304. */
  #lastResults = new Map<string, ResourceResult>();
  /** deleted/orphaned results not yet reported (each is reported once). */
  #pendingRemovals: ResourceResult[] = [];
  #lastReport: { version: string; fingerprint: string; at: number } | null = null;

  constructor(deps: ResourceSyncDeps) {
    this.#deps = deps;
  }

  /** The version last received, or `null` before the first successful pull. */
  get version(): string | null {
    return this.#version;
  }

  /**
   * Runs one pass.
   *
   * @throws AgentApiError when the agent API cannot be reached or refuses (the caller backs
   *   off), KubeApiError when the state ConfigMap cannot be read or written.
   */
  async runPass(): Promise<SyncPassOutcome> {
    const api = await this.#deps.api();
    const fetched = await api.getResources(this.#etag);
    let mode: SyncPassOutcome['mode'] = 'check';
    if (fetched.status === 'ok') {
      mode = 'full';
      this.#etag = fetched.etag;
      this.#version = fetched.resources.version;
      this.#desired = desiredResources(fetched.resources.groups);
      this.#intervals = {
        pollMs: fetched.resources.poll_interval_seconds * 1000,
        telemetryMs: fetched.resources.telemetry_interval_seconds * 1000,
      };
    } else if (this.#version === null) {
      // A 304 without a previous body cannot happen with a null ETag; pull fully next time.
      this.#etag = null;
      throw new Error('agent API answered 304 to a request without If-None-Match');
    }
    const version = this.#version ?? '';
    const state = (this.#state ??= await this.#deps.state.load());

    const results: ResourceResult[] = [];
    const appliedNow = new Map<string, AppliedResource>();
    let reapplied = 0;
    let isIncomplete = false;
    const orphaned = new Map(state.orphaned.map((ref) => [resourceKey(ref), ref]));
    const previous = new Map(state.applied.map((resource) => [resourceKey(resource), resource]));

    for (const desired of this.#desired) {
      let ref: ResourceRef = desired.ref;
      try {
        ref = (await this.#deps.kube.resolve(desired.ref)).ref;
        const key = resourceKey(ref);
        const wasApplied = previous.has(key);
        const lastResult = this.#lastResults.get(key);
        let shouldApply = mode === 'full' || !wasApplied || lastResult?.status !== 'applied';
        if (!shouldApply && (await this.#deps.kube.get(ref)) === null) {
          this.#deps.log.info(
            { resource: describeRef(ref) },
            'resource deleted in the cluster: re-applying',
          );
          shouldApply = true;
          reapplied += 1;
        }
        if (shouldApply) {
          await this.#deps.kube.apply(
            withCommanderMetadata(desired.object, desired.group),
            FIELD_MANAGER,
          );
        }
        if (orphaned.has(key)) {
          // Back in the desired set: no longer an orphan.
          await this.#deps.kube.mergePatch(
            ref,
            { metadata: { labels: { [ORPHAN_LABEL]: null } } },
            FIELD_MANAGER,
          );
          orphaned.delete(key);
        }
        appliedNow.set(key, { ...ref, group: desired.group, syncMode: desired.syncMode });
        results.push(resultOf({ ...ref, group: desired.group }, 'applied'));
      } catch (error) {
        const key = resourceKey(ref);
        const before = previous.get(key);
        if (before) {
          // Still ours: keep it so that leaving the desired set later removes it.
          appliedNow.set(key, { ...before, group: desired.group, syncMode: desired.syncMode });
        }
        isIncomplete ||= isTransient(error);
        this.#deps.log.warn(
          { resource: describeRef(ref), err: errorMessage(error) },
          'apply failed',
        );
        results.push(resultOf({ ...ref, group: desired.group }, 'error', errorMessage(error)));
      }
    }

    // With an incomplete view (API server errors) a resource whose apply failed may look like
    // it left the desired set: remove nothing this pass, keep everything remembered.
    const plan = isIncomplete
      ? { toDelete: [], toOrphan: [] }
      : planRemovals(state.applied, [
          ...[...appliedNow.values()].map((resource): { ref: ResourceRef } => ({ ref: resource })),
          ...this.#desired,
        ]);
    if (isIncomplete) {
      for (const resource of state.applied) {
        const key = resourceKey(resource);
        if (!appliedNow.has(key)) {
          appliedNow.set(key, resource);
        }
      }
    }
    for (const resource of plan.toDelete) {
      try {
        await this.#deps.kube.delete(resource);
        this.#pendingRemovals.push(resultOf(resource, 'deleted'));
        this.#deps.log.info({ resource: describeRef(resource) }, 'deleted: left a managed group');
      } catch (error) {
        if (isGone(error)) {
          this.#pendingRemovals.push(resultOf(resource, 'deleted'));
        } else {
          appliedNow.set(resourceKey(resource), resource);
          results.push(resultOf(resource, 'error', `delete failed: ${errorMessage(error)}`));
        }
      }
    }
    for (const resource of plan.toOrphan) {
      try {
        const patched = await this.#deps.kube.mergePatch(
          resource,
          { metadata: { labels: { [ORPHAN_LABEL]: 'true' } } },
          FIELD_MANAGER,
        );
        if (patched) {
          orphaned.set(resourceKey(resource), {
            apiVersion: resource.apiVersion,
            kind: resource.kind,
            namespace: resource.namespace,
            name: resource.name,
          });
        }
        this.#pendingRemovals.push(resultOf(resource, 'orphaned'));
        this.#deps.log.info(
          { resource: describeRef(resource) },
          'labelled orphan: left an unmanaged group',
        );
      } catch (error) {
        if (isGone(error)) {
          this.#pendingRemovals.push(resultOf(resource, 'orphaned'));
        } else {
          appliedNow.set(resourceKey(resource), resource);
          results.push(resultOf(resource, 'error', `orphan label failed: ${errorMessage(error)}`));
        }
      }
    }

    const nextState: SyncState = {
      applied: [...appliedNow.values()],
      orphaned: [...orphaned.values()],
    };
    if (JSON.stringify(nextState) !== JSON.stringify(state)) {
      await this.#deps.state.save(nextState);
      this.#state = nextState;
    }
    this.#lastResults = new Map(
      results.map((result) => [
        resourceKey({
          apiVersion: result.api_version,
          kind: result.kind,
          namespace: result.namespace ?? null,
          name: result.name,
        }),
        result,
      ]),
    );

    const reported = await this.#report(api, version, results);
    return {
      mode,
      version,
      results: [...results],
      reapplied,
      reported,
      pollIntervalMs: this.#intervals.pollMs,
      telemetryIntervalMs: this.#intervals.telemetryMs,
    };
  }

  /** The server's intervals (defaults until the first 200: 30 s and 60 s). */
  get intervals(): { pollMs: number; telemetryMs: number } {
    return { ...this.#intervals };
  }

  async #report(api: AgentApiClient, version: string, results: ResourceResult[]): Promise<boolean> {
    const now = (this.#deps.now ?? Date.now)();
    const fingerprint = JSON.stringify(results);
    const last = this.#lastReport;
    const isDue =
      this.#pendingRemovals.length > 0 ||
      !last ||
      last.version !== version ||
      last.fingerprint !== fingerprint ||
      now - last.at >= this.#deps.statusRefreshMs;
    if (!isDue) {
      return false;
    }
    const removals = [...this.#pendingRemovals];
    await api.reportStatus({ version, results: [...results, ...removals].slice(0, 10_000) });
    this.#pendingRemovals = this.#pendingRemovals.slice(removals.length);
    this.#lastReport = { version, fingerprint, at: now };
    return true;
  }
}
