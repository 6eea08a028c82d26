import { type Catalog, CatalogSchema, RecordSchema } from '@commander/contracts';
import { queryOptions } from '@tanstack/react-query';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** Records loaded at once (the API's maximum page). */
export const RECORDS_LIMIT = 1000;

export const inventoryQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'inventory'] as const,
  /** Live catalogs, or every one with archived ones (the inventory page's toggle). */
  catalogs: (slug: string, withArchived = false) =>
    queryOptions({
      queryKey: [...inventoryQueries.all(slug), 'catalogs', { withArchived }] as const,
      queryFn: ({ signal }) =>
        api.list('/catalogs', {
          schema: CatalogSchema,
          workspace: slug,
          query: { without_archived: !withArchived },
          signal,
        }),
    }),
  catalog: (slug: string, catalogId: string) =>
    queryOptions({
      queryKey: [...inventoryQueries.all(slug), 'catalog', catalogId] as const,
      queryFn: ({ signal }) =>
        api.get(`/catalogs/${catalogId}`, { schema: CatalogSchema, workspace: slug, signal }),
    }),
  /**
   * A catalog's records (up to the API's page maximum). The table filters (free/used by
   * `used_by`, which also covers shared catalogs) and pages them in the browser.
   */
  records: (slug: string, catalogId: string, withArchived = false) =>
    queryOptions({
      queryKey: [...inventoryQueries.all(slug), 'records', catalogId, { withArchived }] as const,
      queryFn: ({ signal }) =>
        api.list('/records', {
          schema: RecordSchema,
          workspace: slug,
          signal,
          query: {
            catalog_id: catalogId,
            without_archived: !withArchived,
            limit: RECORDS_LIMIT,
          },
        }),
    }),
  /** Records a cluster form may choose from: free ones of exclusive catalogs, all of shared ones. */
  pickable: (slug: string, catalog: Pick<Catalog, 'id' | 'usage'>) =>
    queryOptions({
      queryKey: [...inventoryQueries.all(slug), 'pickable', catalog.id, catalog.usage] as const,
      queryFn: ({ signal }) =>
        api.list('/records', {
          schema: RecordSchema,
          workspace: slug,
          signal,
          query: {
            catalog_id: catalog.id,
            free: catalog.usage === 'exclusive' ? true : undefined,
            without_archived: true,
            limit: RECORDS_LIMIT,
          },
        }),
    }),
};
