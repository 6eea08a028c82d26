import { z } from 'zod';

const ResultSchema = z.object({
  group: z.string().catch(''),
  api_version: z.string().catch(''),
  kind: z.string().catch(''),
  namespace: z.string().nullish().catch(null),
  name: z.string().catch(''),
  status: z.string().catch('unknown'),
  errors: z.array(z.string()).nullish().catch(null),
});

export type ResourceResult = {
  group: string;
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
  status: 'applied' | 'error' | 'deleted' | 'orphaned' | 'unknown';
  errors: string[];
};

export type ResourceGroup = {
  name: string;
  resources: ResourceResult[];
  counts: Record<ResourceResult['status'], number>;
};

const STATUSES = new Set(['applied', 'error', 'deleted', 'orphaned']);

/**
 * The agent's per-resource apply results (`resources_state_results`) grouped by resource group,
 * groups in name order, resources with errors first.
 */
export function groupResourceResults(raw: unknown[]): ResourceGroup[] {
  const groups = new Map<string, ResourceResult[]>();
  for (const item of raw) {
    const parsed = ResultSchema.safeParse(item);
    if (!parsed.success) {
      continue;
    }
    const r = parsed.data;
    const result: ResourceResult = {
      group: r.group,
      apiVersion: r.api_version,
      kind: r.kind,
      namespace: r.namespace ?? null,
      name: r.name,
      status: STATUSES.has(r.status) ? (r.status as ResourceResult['status']) : 'unknown',
      errors: r.errors ?? [],
    };
    const list = groups.get(result.group) ?? [];
    list.push(result);
    groups.set(result.group, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, resources]) => {
      const counts = { applied: 0, error: 0, deleted: 0, orphaned: 0, unknown: 0 };
      for (const r of resources) {
        counts[r.status] += 1;
      }
      const sorted = [...resources].sort(
        (a, b) =>
          Number(b.status === 'error') - Number(a.status === 'error') ||
          a.kind.localeCompare(b.kind) ||
          a.name.localeCompare(b.name),
      );
      return { name, resources: sorted, counts };
    });
}

/** The cluster's `resources_sync_state` as one of the states the UI knows. */
export function syncState(value: string): 'configured' | 'not_configured' | 'no_data' {
  return value === 'configured' || value === 'not_configured' ? value : 'no_data';
}
