import { z } from 'zod';

/** One destructive entry of dhctl's plan (`resourced_recreated` / `resources_deleted`). */
const DestructiveEntrySchema = z.object({
  type: z.string().catch('unknown'),
  current_value: z.unknown().optional(),
  next_value: z.unknown().optional(),
});

const DestructiveChangesSchema = z
  .object({
    // dhctl's JSON tag really is spelled "resourced_recreated".
    resourced_recreated: z.array(DestructiveEntrySchema).nullish(),
    resources_deleted: z.array(DestructiveEntrySchema).nullish(),
  })
  .nullish();

/** dhctl's CheckResult (dhctl-protocol.md §3.1), read leniently: only what the UI shows. */
const CheckResultSchema = z.object({
  status: z.enum(['InSync', 'OutOfSync', 'DestructiveOutOfSync']).nullish().catch(null),
  status_details: z
    .object({
      configuration_status: z.string().nullish(),
      nodes: z
        .array(
          z.object({
            group: z.string().catch(''),
            name: z.string().catch(''),
            status: z.string().catch('unknown'),
            destructive_changes: DestructiveChangesSchema,
          }),
        )
        .nullish()
        .catch(null),
      cluster: z
        .object({ status: z.string().nullish(), destructive_changes: DestructiveChangesSchema })
        .nullish()
        .catch(null),
    })
    .nullish()
    .catch(null),
  destructive_change_id: z.string().nullish(),
});

export type PlannedChange = {
  kind: 'recreated' | 'deleted';
  /** What changes, e.g. `ClusterConfiguration.podSubnetCIDR` or `node`. */
  type: string;
  current: string;
  next: string;
};

export type CheckSummary = {
  status: 'InSync' | 'OutOfSync' | 'DestructiveOutOfSync' | null;
  /** Whether Commander's configuration matches the one in the cluster (null: not reported). */
  configurationInSync: boolean | null;
  /** Destructive changes of the plan: recreated fields, deleted objects. */
  changes: PlannedChange[];
  /** Nodes that are not `ok`, with their status (changed, absent, abandoned…). */
  nodes: { group: string; name: string; status: string }[];
  destructiveChangeId: string | null;
};

function show(value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function entries(changes: z.infer<typeof DestructiveChangesSchema>): PlannedChange[] {
  if (!changes) {
    return [];
  }
  return [
    ...(changes.resourced_recreated ?? []).map((e) => ({
      kind: 'recreated' as const,
      type: e.type,
      current: show(e.current_value),
      next: show(e.next_value),
    })),
    ...(changes.resources_deleted ?? []).map((e) => ({
      kind: 'deleted' as const,
      type: e.type,
      current: show(e.current_value),
      next: show(e.next_value),
    })),
  ];
}

/** What a change request's check result says, or null when there is none to show. */
export function summarizeCheckResult(raw: unknown): CheckSummary | null {
  if (raw === null || raw === undefined) {
    return null;
  }
  const parsed = CheckResultSchema.safeParse(raw);
  if (!parsed.success) {
    return null;
  }
  const result = parsed.data;
  const details = result.status_details ?? null;
  const nodes = details?.nodes ?? [];
  const configurationStatus = details?.configuration_status;
  return {
    status: result.status ?? null,
    configurationInSync:
      configurationStatus === 'InSync' ? true : configurationStatus === 'OutOfSync' ? false : null,
    changes: [
      ...entries(details?.cluster?.destructive_changes),
      ...nodes.flatMap((n) => entries(n.destructive_changes)),
    ],
    nodes: nodes
      .filter((n) => n.status !== 'ok')
      .map(({ group, name, status }) => ({ group, name, status })),
    destructiveChangeId: result.destructive_change_id ?? null,
  };
}
