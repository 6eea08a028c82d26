import { yaml } from '@codemirror/lang-yaml';
import { useComputedColorScheme } from '@mantine/core';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useMemo } from 'react';

import type { CodeEditorProps } from './code-editor.js';

// One font for text and line numbers, so the gutter lines up with the content.
const fontTheme = EditorView.theme({
  '&': { fontSize: '13px' },
  '.cm-scroller': { fontFamily: 'var(--mantine-font-family-monospace)', lineHeight: '1.5' },
});

/** CodeMirror 6 with YAML; loaded lazily (see code-editor.tsx). */
export function CodeEditorImpl({
  value,
  onChange,
  readOnly = false,
  labelId,
  describedBy,
  invalid,
  minHeight,
  maxHeight,
  placeholder,
}: CodeEditorProps) {
  const scheme = useComputedColorScheme('light');
  const extensions = useMemo(
    () => [
      yaml(),
      fontTheme,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-labelledby': labelId,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(invalid ? { 'aria-invalid': 'true' } : {}),
        ...(readOnly ? { 'aria-readonly': 'true' } : {}),
      }),
    ],
    [labelId, describedBy, invalid, readOnly],
  );
  return (
    <CodeMirror
      value={value}
      onChange={onChange}
      readOnly={readOnly}
      editable={!readOnly}
      theme={scheme}
      extensions={extensions}
      minHeight={minHeight}
      maxHeight={maxHeight}
      // Tab moves focus out of the editor (keyboard users must not be trapped).
      indentWithTab={false}
      placeholder={placeholder}
      basicSetup={{
        foldGutter: !readOnly,
        highlightActiveLine: !readOnly,
        highlightActiveLineGutter: !readOnly,
      }}
    />
  );
}
