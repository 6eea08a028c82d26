import type { Db } from '@commander/db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Named = { auditableType: string; auditableId: string; changes: unknown };

/** `type id` as the key of a name. */
export function auditableKey(type: string, id: string): string {
  return `${type} ${id}`;
}

/** The name a deleted object left in its event's changes (`{name}` or `{name: [old, new]}`). */
export function nameFromChanges(changes: unknown): string | null {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    return null;
  }
  const name = (changes as Record<string, unknown>).name;
  if (typeof name === 'string' && name !== '') {
    return name;
  }
  if (Array.isArray(name)) {
    const values: unknown[] = name;
    const last = [...values].reverse().find((v): v is string => typeof v === 'string' && v !== '');
    return last ?? null;
  }
  return null;
}

/**
 * Human names of the objects a page of audit events is about, by `type id`: one query per
 * object type on the page (archived rows included, so old events keep their names). Objects
 * gone from the database fall back to the name their events recorded; the rest have none.
 */
export async function resolveAuditableNames(
  db: Db,
  events: readonly Named[],
): Promise<Map<string, string>> {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    if (!UUID.test(e.auditableId)) {
      continue;
    }
    const set = ids.get(e.auditableType) ?? new Set<string>();
    set.add(e.auditableId);
    ids.set(e.auditableType, set);
  }
  const of = (type: string): string[] => [...(ids.get(type) ?? [])];
  const names = new Map<string, string>();
  const put = (type: string, rows: { id: string; name: string }[]) => {
    for (const row of rows) {
      names.set(auditableKey(type, row.id), row.name);
    }
  };
  const select = { id: true, name: true } as const;
  const lookups: Promise<void>[] = [];
  const clusterIds = [...new Set([...of('Cluster'), ...of('ClusterSettings')])];
  if (clusterIds.length > 0) {
    lookups.push(
      db.cluster.findMany({ where: { id: { in: clusterIds } }, select }).then((rows) => {
        put('Cluster', rows);
        put('ClusterSettings', rows);
      }),
    );
  }
  if (of('ClusterOperation').length > 0) {
    lookups.push(
      db.clusterOperation
        .findMany({
          where: { id: { in: of('ClusterOperation') } },
          select: { id: true, cluster: { select: { name: true } } },
        })
        .then((rows) =>
          put(
            'ClusterOperation',
            rows.map((r) => ({ id: r.id, name: r.cluster.name })),
          ),
        ),
    );
  }
  if (of('ChangeRequest').length > 0) {
    lookups.push(
      db.changeRequest
        .findMany({
          where: { id: { in: of('ChangeRequest') } },
          select: { id: true, cluster: { select: { name: true } } },
        })
        .then((rows) =>
          put(
            'ChangeRequest',
            rows.map((r) => ({ id: r.id, name: r.cluster.name })),
          ),
        ),
    );
  }
  if (of('ClusterTemplateVersion').length > 0) {
    lookups.push(
      db.clusterTemplateVersion
        .findMany({
          where: { id: { in: of('ClusterTemplateVersion') } },
          select: { id: true, number: true, clusterTemplate: { select: { name: true } } },
        })
        .then((rows) =>
          put(
            'ClusterTemplateVersion',
            rows.map((r) => ({ id: r.id, name: `${r.clusterTemplate.name} v${r.number}` })),
          ),
        ),
    );
  }
  const simple = {
    ClusterTemplate: (list: string[]) =>
      db.clusterTemplate.findMany({ where: { id: { in: list } }, select }),
    Catalog: (list: string[]) => db.catalog.findMany({ where: { id: { in: list } }, select }),
    Registry: (list: string[]) => db.registry.findMany({ where: { id: { in: list } }, select }),
    Role: (list: string[]) => db.role.findMany({ where: { id: { in: list } }, select }),
    AuthToken: (list: string[]) => db.authToken.findMany({ where: { id: { in: list } }, select }),
    Workspace: (list: string[]) => db.workspace.findMany({ where: { id: { in: list } }, select }),
    User: (list: string[]) =>
      db.user
        .findMany({ where: { id: { in: list } }, select: { id: true, name: true, email: true } })
        .then((rows) => rows.map((r) => ({ id: r.id, name: r.name || r.email }))),
  } as const;
  for (const [type, find] of Object.entries(simple)) {
    const list = of(type);
    if (list.length > 0) {
      lookups.push(find(list).then((rows) => put(type, rows)));
    }
  }
  await Promise.all(lookups);
  // Deleted (or never stored, like records) objects: the name an event of theirs recorded.
  for (const e of events) {
    const key = auditableKey(e.auditableType, e.auditableId);
    if (!names.has(key)) {
      const name = nameFromChanges(e.changes);
      if (name !== null) {
        names.set(key, name);
      }
    }
  }
  return names;
}
