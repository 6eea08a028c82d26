// The agent's memory of what it applied, kept in a ConfigMap in its namespace so that a
// restarted agent still knows which resources to delete or orphan when they leave the desired
// set. (Listing every labelled object instead would need a LIST of every kind in the cluster.)
import { type AppliedResource, FIELD_MANAGER, type ResourceRef } from '@commander/agent-client';
import { HERITAGE_LABEL } from '@commander/contracts';
import { z } from 'zod';

import { KubeApiError, type KubeClient } from './kube-client.js';

/** Name of the state ConfigMap. */
export const STATE_CONFIG_MAP = 'commander-agent-state';

/** What the agent remembers between passes and restarts. */
export type SyncState = {
  /** Resources applied (and not removed since), with the group and mode they were applied in. */
  applied: AppliedResource[];
  /** Resources labelled orphan (so that the label is removed if they come back). */
  orphaned: ResourceRef[];
};

const RefSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
});
const AppliedSchema = RefSchema.extend({
  group: z.string(),
  syncMode: z.enum(['managed', 'unmanaged']),
});

function parseList<T>(schema: z.ZodType<T>, text: unknown): T[] {
  if (typeof text !== 'string' || text === '') {
    return [];
  }
  try {
    const parsed = z.array(schema).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Loads and saves {@link SyncState}. */
export type StateStore = {
  load(): Promise<SyncState>;
  save(state: SyncState): Promise<void>;
};

/** A state store on the ConfigMap `commander-agent-state` in `namespace`. */
export function configMapStateStore(kube: KubeClient, namespace: string): StateStore {
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: STATE_CONFIG_MAP };
  return {
    async load() {
      const configMap = (await kube.get(ref)) as { data?: Record<string, unknown> } | null;
      return {
        applied: parseList(AppliedSchema, configMap?.data?.['applied.json']),
        orphaned: parseList(RefSchema, configMap?.data?.['orphaned.json']),
      };
    },
    async save(state) {
      const object = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: STATE_CONFIG_MAP,
          namespace,
          labels: { [HERITAGE_LABEL.key]: HERITAGE_LABEL.value },
        },
        data: {
          'applied.json': JSON.stringify(state.applied),
          'orphaned.json': JSON.stringify(state.orphaned),
        },
      };
      try {
        await kube.apply(object, FIELD_MANAGER);
      } catch (error) {
        // Outside DKP (a plain cluster in development) the namespace may not exist yet.
        if (!(error instanceof KubeApiError && error.status === 404)) {
          throw error;
        }
        await kube.apply(
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespace, labels: { [HERITAGE_LABEL.key]: HERITAGE_LABEL.value } },
          },
          FIELD_MANAGER,
        );
        await kube.apply(object, FIELD_MANAGER);
      }
    },
  };
}
