import type { Catalog, InventoryRecord } from '@commander/contracts';
import { Button, Group, Modal, Stack } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { ClusterValuesFields } from '../../cluster-form/components/cluster-values-fields.js';
import { parseForm, type StoredValues } from '../../cluster-form/form-state.js';
import { useClusterValuesForm } from '../../cluster-form/use-cluster-values-form.js';
import { useSaveRecord } from '../inventory.api.js';

export type RecordModalProps = {
  slug: string;
  catalog: Catalog;
  /** The record to edit; null to add one. */
  record: InventoryRecord | null;
  onClose: () => void;
};

/**
 * Adds or edits a record with the form its catalog's schema generates (same widgets and
 * as-you-type checks as the cluster form; the server's 422 details land next to the fields).
 * Mount it only while open: it starts from the record given.
 */
export function RecordModal({ slug, catalog, record, onClose }: RecordModalProps) {
  const { t, i18n } = useTranslation();
  const save = useSaveRecord(slug);
  const parsed = useMemo(
    () => parseForm(catalog.params, i18n.language),
    [catalog.params, i18n.language],
  );
  const stored: StoredValues | null = useMemo(
    () => (record ? { values: record.values, secret_values: record.secret_values } : null),
    [record],
  );
  const model = useClusterValuesForm({
    slug,
    parsed,
    sections: null,
    stored,
    clusterId: null,
    clusterUuid: null,
  });
  const [error, setError] = useState<unknown>(null);
  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={
        record
          ? t('inventory.records.editTitle', { catalog: catalog.name })
          : t('inventory.records.addTitle', { catalog: catalog.name })
      }
    >
      <form
        noValidate
        aria-label={record ? t('inventory.records.edit') : t('inventory.records.add')}
        onSubmit={(event) => {
          event.preventDefault();
          if (!model.isValid) {
            model.showAllProblems();
            return;
          }
          setError(null);
          save.mutate(
            record
              ? { kind: 'update', record, values: model.values }
              : { kind: 'create', catalogId: catalog.id, values: model.values },
            {
              onSuccess: onClose,
              onError: (e) => {
                if (!model.applyServerError(e)) {
                  setError(e);
                }
              },
            },
          );
        }}
      >
        <Stack>
          {error !== null && <ErrorAlert error={error} title={t('inventory.records.saveFailed')} />}
          <ClusterValuesFields
            parsed={model.parsed}
            state={model.state}
            context={model.context}
            choices={model.choices}
            errors={model.errors}
            generalErrors={model.generalErrors}
            onChange={model.setField}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {record ? t('tpl.common.save') : t('inventory.records.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
