import type { TemplateSections } from '@commander/contracts';
import type { RenderResult } from '@commander/renderer';
import { useCallback, useMemo, useState } from 'react';

import { isApiError } from '../../lib/api-client.js';
import {
  carryOverState,
  type FormContext,
  formContextOf,
  formProblems,
  type FormState,
  initialFormState,
  type ParsedForm,
  previewValues,
  serverProblems,
  type StoredValues,
  submitValues,
} from './form-state.js';
import { type CatalogChoicesResult, useCatalogChoices } from './use-catalog-choices.js';
import { previewSpecials, useLiveRender } from './use-live-render.js';

export type ClusterValuesFormOptions = {
  slug: string;
  /** The version's parsed params (see parseForm). */
  parsed: ParsedForm;
  /** The version's sections, rendered live beside the form; null renders nothing. */
  sections: TemplateSections | null;
  /** The cluster being edited (its stored values), or null for a new cluster. */
  stored: StoredValues | null;
  clusterId: string | null;
  clusterUuid: string | null;
};

/** Everything the generated form and its preview need; see {@link useClusterValuesForm}. */
export type ClusterValuesFormModel = {
  parsed: ParsedForm;
  state: FormState;
  context: FormContext;
  choices: CatalogChoicesResult;
  /** What to show next to each field: the server's problem, else the live one once touched. */
  errors: Record<string, string>;
  /** Server problems that name no field of the form. */
  generalErrors: string | null;
  setField: (key: string, value: unknown) => void;
  /** The values to send. */
  values: Record<string, unknown>;
  /** True when no field has a problem. */
  isValid: boolean;
  /** Shows every field's problem (after a submit attempt). */
  showAllProblems: () => void;
  /**
   * Maps a 422 (`invalid_values`, `immutable_field`, `not_unique`) to the fields; returns false
   * for other errors, which the caller shows itself.
   */
  applyServerError: (error: unknown) => boolean;
  render: { result: RenderResult | null; isStale: boolean };
};

const FIELD_ERROR_CODES = ['invalid_values', 'immutable_field', 'not_unique'];

/**
 * State of the form generated from a template version's params: inputs, as-you-type validation
 * (the renderer's field schemas), catalog choices, server errors mapped to fields, the values
 * to send, and the configuration rendered live with them. Switching to another version keeps
 * the inputs of keys both versions share.
 */
export function useClusterValuesForm(options: ClusterValuesFormOptions): ClusterValuesFormModel {
  const { slug, parsed, sections, stored, clusterId, clusterUuid } = options;
  const [state, setState] = useState<FormState>(() => initialFormState(parsed.form, stored));
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const [server, setServer] = useState<Record<string, string>>({});
  const [formOf, setFormOf] = useState(parsed.form);
  if (formOf !== parsed.form) {
    // Another version (or an edited draft): adjust during render, before anything reads state.
    setFormOf(parsed.form);
    setState((previous) => carryOverState(parsed.form, previous, stored));
    setServer({});
  }

  const context = useMemo(() => formContextOf(parsed.form, stored), [parsed.form, stored]);
  const choices = useCatalogChoices(slug, parsed.fields, stored, clusterId);
  const problems = useMemo(() => formProblems(parsed, state, context), [parsed, state, context]);

  const errors = useMemo(() => {
    const out: Record<string, string> = {};
    for (const field of parsed.form.fields) {
      const message =
        server[field.key] ?? (showAll || touched.has(field.key) ? problems[field.key] : undefined);
      if (message !== undefined) {
        out[field.key] = message;
      }
    }
    return out;
  }, [parsed.form, server, problems, showAll, touched]);

  const setField = useCallback((key: string, value: unknown) => {
    setState((s) => ({ ...s, [key]: value }));
    setTouched((t) => (t.has(key) ? t : new Set([...t, key])));
    setServer((s) => {
      if (!(key in s)) {
        return s;
      }
      const { [key]: _removed, ...rest } = s;
      return rest;
    });
  }, []);

  const values = useMemo(
    () => submitValues(parsed.form, state, context, choices.records),
    [parsed.form, state, context, choices.records],
  );
  const preview = useMemo(
    () =>
      previewValues(
        parsed,
        state,
        context,
        choices.records,
        (catalogSlug) => choices.bySlug.get(catalogSlug)?.autoselectPool ?? [],
      ),
    [parsed, state, context, choices],
  );
  const specials = useMemo(() => previewSpecials(clusterUuid), [clusterUuid]);
  const render = useLiveRender(sections, preview, specials);

  const applyServerError = useCallback(
    (error: unknown) => {
      if (!FIELD_ERROR_CODES.some((code) => isApiError(error, code))) {
        return false;
      }
      const keys = new Set(parsed.form.fields.map((f) => f.key));
      const mapped = serverProblems((error as { details?: unknown }).details, keys);
      if (Object.keys(mapped).length === 0) {
        mapped[''] = (error as Error).message;
      }
      setServer(mapped);
      return true;
    },
    [parsed.form],
  );

  return {
    parsed,
    state,
    context,
    choices,
    errors,
    generalErrors: server[''] ?? null,
    setField,
    values,
    isValid: Object.keys(problems).length === 0,
    showAllProblems: () => setShowAll(true),
    applyServerError,
    render,
  };
}
