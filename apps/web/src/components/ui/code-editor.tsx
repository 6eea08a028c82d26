import { Input, Skeleton } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { lazy, Suspense } from 'react';

export type CodeEditorProps = {
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  /** Id of the element that labels the editor. */
  labelId: string;
  /** Id of the element that describes it (error, help). */
  describedBy?: string;
  invalid?: boolean;
  minHeight?: string;
  maxHeight?: string;
  /** Shown while the editor is empty. */
  placeholder?: string;
};

// CodeMirror is the heaviest dependency; only pages that show YAML load it.
const LazyCodeEditor = lazy(() =>
  import('./code-editor-impl.js').then((m) => ({ default: m.CodeEditorImpl })),
);

function EditorSkeleton({ minHeight }: { minHeight?: string }) {
  return <Skeleton height={minHeight ?? '200px'} />;
}

export type YamlFieldProps = {
  label: string;
  description?: React.ReactNode;
  error?: React.ReactNode;
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  required?: boolean;
  minHeight?: string;
  maxHeight?: string;
  placeholder?: string;
};

/** A labelled YAML editor (or read-only viewer) with its description and error. */
export function YamlField({
  label,
  description,
  error,
  value,
  onChange,
  readOnly,
  required,
  minHeight,
  maxHeight,
  placeholder,
}: YamlFieldProps) {
  const id = useId();
  const labelId = `${id}-label`;
  const errorId = `${id}-error`;
  const descriptionId = `${id}-description`;
  const describedBy =
    [error ? errorId : null, description ? descriptionId : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <Input.Wrapper
      label={label}
      labelElement="div"
      labelProps={{ id: labelId }}
      description={description}
      descriptionProps={{ id: descriptionId }}
      error={error}
      errorProps={{ id: errorId, role: 'alert', style: { whiteSpace: 'pre-line', marginTop: 6 } }}
      required={required}
    >
      <div
        style={{
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
          overflow: 'hidden',
          marginTop: 4,
        }}
      >
        <Suspense fallback={<EditorSkeleton minHeight={minHeight} />}>
          <LazyCodeEditor
            value={value}
            onChange={onChange}
            readOnly={readOnly}
            labelId={labelId}
            describedBy={describedBy}
            invalid={Boolean(error)}
            minHeight={minHeight}
            maxHeight={maxHeight}
            placeholder={placeholder}
          />
        </Suspense>
      </div>
    </Input.Wrapper>
  );
}
