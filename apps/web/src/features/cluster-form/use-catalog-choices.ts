import type { Catalog, InventoryRecord } from '@commander/contracts';
import { type ParamField, parseParams, RECORD_ID_KEY } from '@commander/renderer';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

import { inventoryQueries } from '../inventory-shared/inventory-queries.js';
import { type RecordChoice, recordLabel, type StoredValues } from './form-state.js';

/** What a catalog picker offers. */
export type CatalogChoices = {
  /** Null when the workspace has no (live) catalog with this slug. */
  catalog: Catalog | null;
  /** Records to choose from: free (exclusive catalogs) or all (shared), plus those the cluster holds. */
  options: RecordChoice[];
  /** Records Commander would pick for an empty `autoselect` field, oldest first. */
  autoselectPool: RecordChoice[];
  isPending: boolean;
  error: Error | null;
};

export type CatalogChoicesResult = {
  bySlug: ReadonlyMap<string, CatalogChoices>;
  /** Every record the form knows, by id (for sending and previewing values). */
  records: ReadonlyMap<string, RecordChoice>;
};

function choiceOf(catalog: Catalog, record: InventoryRecord): RecordChoice {
  const schema = parseParams(catalog.params).fields;
  return { id: record.id, label: recordLabel(schema, record.values), values: record.values };
}

/** Records the stored values of a catalog field reference, for a cluster being edited. */
function heldRecords(
  field: ParamField,
  catalog: Catalog | null,
  stored: StoredValues | null,
): RecordChoice[] {
  const value = stored?.values[field.key];
  const list = Array.isArray(value) ? (value as unknown[]) : value ? [value] : [];
  const schema = catalog ? parseParams(catalog.params).fields : [];
  return list.flatMap((item) => {
    if (typeof item !== 'object' || item === null) {
      return [];
    }
    const { [RECORD_ID_KEY]: id, ...values } = item as Record<string, unknown>;
    return typeof id === 'string' ? [{ id, label: recordLabel(schema, values), values }] : [];
  });
}

/**
 * Loads what the catalog pickers of a form offer: the workspace's catalogs, then the pickable
 * records of each catalog the fields name (free ones of exclusive catalogs, all of shared ones),
 * merged with the records the edited cluster already holds.
 */
export function useCatalogChoices(
  slug: string,
  fields: readonly ParamField[],
  stored: StoredValues | null,
  clusterId: string | null,
): CatalogChoicesResult {
  const hasCatalogFields = fields.some((f) => f.catalog !== undefined);
  const catalogs = useQuery({ ...inventoryQueries.catalogs(slug), enabled: hasCatalogFields });
  const catalogList = catalogs.data?.items;
  const used = usedCatalogs(fields, catalogList);
  const loaded = useQueries({
    queries: used.map((catalog) => inventoryQueries.pickable(slug, catalog)),
    // Structurally shared: the same object while no query's data or state changes.
    combine: (results) =>
      results.map((r) => ({
        items: r.data?.items ?? null,
        isPending: r.isPending,
        error: r.error,
      })),
  });
  const catalogsPending = hasCatalogFields && catalogs.isPending;
  const catalogsError = catalogs.error;

  return useMemo(() => {
    const bySlug = new Map<string, CatalogChoices>();
    const records = new Map<string, RecordChoice>();
    const catalogFields = fields.filter((f) => f.catalog !== undefined);
    const catalogsInUse = usedCatalogs(fields, catalogList);
    for (const catalogSlug of new Set(catalogFields.map((f) => f.catalog ?? ''))) {
      const index = catalogsInUse.findIndex((c) => c.slug === catalogSlug);
      const catalog = catalogsInUse[index] ?? null;
      const query = index >= 0 ? loaded[index] : undefined;
      const items = catalog && query?.items ? query.items : [];
      const pickable = catalog ? items.map((r) => choiceOf(catalog, r)) : [];
      const options = [...pickable];
      for (const field of catalogFields.filter((f) => f.catalog === catalogSlug)) {
        for (const record of heldRecords(field, catalog, stored)) {
          if (!options.some((o) => o.id === record.id)) {
            options.push(record);
          }
        }
      }
      const autoselectPool = items
        .filter(
          (r) =>
            r.schema_matches &&
            (catalog?.usage === 'shared' || r.cluster_id === null || r.cluster_id === clusterId),
        )
        .flatMap((r) => pickable.filter((p) => p.id === r.id));
      for (const option of options) {
        records.set(option.id, option);
      }
      bySlug.set(catalogSlug, {
        catalog,
        options,
        autoselectPool,
        isPending: catalogsPending || query?.isPending === true,
        error: catalogsError ?? query?.error ?? null,
      });
    }
    return { bySlug, records };
  }, [fields, catalogList, loaded, stored, clusterId, catalogsPending, catalogsError]);
}

function usedCatalogs(fields: readonly ParamField[], catalogs: Catalog[] | undefined): Catalog[] {
  const slugs = new Set(fields.flatMap((f) => (f.catalog === undefined ? [] : [f.catalog])));
  return (catalogs ?? []).filter((c) => slugs.has(c.slug));
}
