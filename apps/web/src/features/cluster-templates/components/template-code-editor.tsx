import { Input, Skeleton } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { lazy, Suspense } from 'react';

/** A problem to mark in the gutter (1-based line and column, as the renderer reports them). */
export type EditorMarker = { line?: number | null; column?: number | null; message: string };

/** Where to put the cursor (1-based line, column or the line's start). */
export type EditorCursor = { line: number; column: number | null };

export type TemplateCodeEditorProps = {
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  labelId: string;
  describedBy?: string;
  markers: readonly EditorMarker[];
  minHeight?: string;
  maxHeight?: string;
  /** Moves the cursor there (and scrolls to it) once the editor is ready, then calls `onCursorPlaced`. */
  cursor?: EditorCursor | null;
  onCursorPlaced?: () => void;
};

const LazyEditor = lazy(() =>
  import('./template-code-editor-impl.js').then((m) => ({ default: m.TemplateCodeEditorImpl })),
);

export type TemplateCodeFieldProps = Omit<TemplateCodeEditorProps, 'labelId' | 'describedBy'> & {
  label: string;
  description?: React.ReactNode;
};

/** A labelled Go-template YAML editor whose problems are marked in the gutter. */
export function TemplateCodeField({ label, description, ...props }: TemplateCodeFieldProps) {
  const id = useId();
  const labelId = `${id}-label`;
  const descriptionId = `${id}-description`;
  return (
    <Input.Wrapper
      label={label}
      labelElement="div"
      labelProps={{ id: labelId }}
      description={description}
      descriptionProps={{ id: descriptionId }}
    >
      <div
        style={{
          border: `1px solid ${
            props.markers.length > 0
              ? 'var(--mantine-color-error)'
              : 'var(--mantine-color-default-border)'
          }`,
          borderRadius: 'var(--mantine-radius-sm)',
          overflow: 'hidden',
          marginTop: 4,
        }}
      >
        <Suspense fallback={<Skeleton height={props.minHeight ?? '320px'} />}>
          <LazyEditor
            {...props}
            labelId={labelId}
            describedBy={description ? descriptionId : undefined}
          />
        </Suspense>
      </div>
    </Input.Wrapper>
  );
}
