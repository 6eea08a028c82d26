import type { ClusterTemplateVersion, JsonObject } from '@commander/contracts';
import { useEffect, useEffectEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { YamlField } from '../../../components/ui/code-editor.js';
import { parseValuesText, valuesSkeleton } from '../values-yaml.js';

export type ValuesResult =
  { values: JsonObject; problem: null } | { values: null; problem: string };

/**
 * The contract of a cluster-values editor. Today it is a YAML/JSON text editor; the form
 * generated from the version's `params` (templates work) will implement the same props.
 */
export type ValuesEditorProps = {
  version: ClusterTemplateVersion | null;
  /** Reports the values whenever they change: valid values, or why they are not valid. */
  onChange: (result: ValuesResult) => void;
  /** An error about the values from the server (shown under the editor). */
  error?: string | null;
};

/** Values as YAML or JSON text, prefilled from the version's defaults. */
export function ValuesEditor({ version, onChange, error }: ValuesEditorProps) {
  const { t } = useTranslation();
  const [generated, setGenerated] = useState(() => (version ? valuesSkeleton(version) : ''));
  const [text, setText] = useState(generated);
  const [versionId, setVersionId] = useState(version?.id ?? null);

  // Another version: prefill its defaults, unless the user has typed values of their own.
  if ((version?.id ?? null) !== versionId) {
    setVersionId(version?.id ?? null);
    if (text === generated || text.trim() === '') {
      const next = version ? valuesSkeleton(version) : '';
      setGenerated(next);
      setText(next);
    }
  }

  const result = useMemo((): ValuesResult => {
    const parsed = parseValuesText(text);
    if (parsed.ok) {
      return { values: parsed.values, problem: null };
    }
    return {
      values: null,
      problem:
        parsed.error === 'syntax'
          ? t('clusters.values.syntaxError', { detail: parsed.detail })
          : t('clusters.values.notObject'),
    };
  }, [text, t]);

  const report = useEffectEvent((r: ValuesResult) => onChange(r));
  useEffect(() => report(result), [result]);

  return (
    <YamlField
      label={t('clusters.values.label')}
      description={t('clusters.values.description')}
      error={result.problem ?? error ?? undefined}
      value={text}
      onChange={setText}
      placeholder={t('clusters.values.placeholder')}
      minHeight="220px"
      maxHeight="480px"
    />
  );
}
