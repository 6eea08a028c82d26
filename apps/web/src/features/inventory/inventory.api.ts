import {
  type Catalog,
  CatalogSchema,
  type CreateCatalogBody,
  type InventoryRecord,
  RecordSchema,
} from '@commander/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { inventoryQueries } from '../inventory-shared/inventory-queries.js';

function useInvalidateInventory(slug: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: inventoryQueries.all(slug) });
}

/** Creates a catalog, or imports records into one (same endpoint; 200 when the slug existed). */
export function useCreateCatalog(slug: string, successMessage: string) {
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (body: CreateCatalogBody) =>
      api.post('/catalogs', { body, schema: CatalogSchema, workspace: slug }),
    meta: { successMessage, notifyError: false },
    onSuccess: invalidate,
  });
}

export type UpdateCatalogInput = {
  name: string;
  params?: string | Record<string, unknown>[];
  usage?: Catalog['usage'];
  current_revision?: number;
};

export function useUpdateCatalog(slug: string, catalogId: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (body: UpdateCatalogInput) =>
      api.put(`/catalogs/${catalogId}`, { body, schema: CatalogSchema, workspace: slug }),
    meta: { successMessage: t('inventory.edit.saved'), notifyError: false },
    onSuccess: invalidate,
  });
}

export function useArchiveCatalog(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (catalogId: string) =>
      api.delete(`/catalogs/${catalogId}`, { schema: CatalogSchema, workspace: slug }),
    meta: {
      successMessage: t('inventory.archive.archived'),
      errorTitle: t('inventory.archive.failed'),
    },
    onSuccess: invalidate,
  });
}

export function useSaveRecord(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (
      input:
        | { kind: 'create'; catalogId: string; values: Record<string, unknown> }
        | { kind: 'update'; record: InventoryRecord; values: Record<string, unknown> },
    ) =>
      input.kind === 'create'
        ? api.post('/records', {
            body: { catalog_id: input.catalogId, values: input.values },
            schema: RecordSchema,
            workspace: slug,
          })
        : api.put(`/records/${input.record.id}`, {
            body: { values: input.values, current_revision: input.record.current_revision },
            schema: RecordSchema,
            workspace: slug,
          }),
    meta: { successMessage: t('inventory.records.saved'), notifyError: false },
    onSuccess: invalidate,
  });
}

export function useArchiveRecord(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (recordId: string) =>
      api.delete(`/records/${recordId}`, { schema: RecordSchema, workspace: slug }),
    meta: {
      successMessage: t('inventory.records.archived'),
      errorTitle: t('inventory.records.archiveFailed'),
    },
    onSuccess: invalidate,
  });
}

/** Restores an archived catalog with its records (409 slug_taken when the slug is in use). */
export function useRestoreCatalog(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (catalogId: string) =>
      api.post(`/catalogs/${catalogId}/restore`, { schema: CatalogSchema, workspace: slug }),
    meta: {
      successMessage: t('inventory.restore.restored'),
      errorTitle: t('inventory.restore.failed'),
    },
    onSuccess: invalidate,
  });
}

/** Restores an archived record (409 conflict when a live record repeats a unique value). */
export function useRestoreRecord(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateInventory(slug);
  return useMutation({
    mutationFn: (recordId: string) =>
      api.post(`/records/${recordId}/restore`, { schema: RecordSchema, workspace: slug }),
    meta: {
      successMessage: t('inventory.records.restored'),
      errorTitle: t('inventory.records.restoreFailed'),
    },
    onSuccess: invalidate,
  });
}
