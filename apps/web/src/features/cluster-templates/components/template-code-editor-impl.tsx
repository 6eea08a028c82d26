import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { useComputedColorScheme } from '@mantine/core';
import CodeMirror, {
  Decoration,
  type DecorationSet,
  EditorSelection,
  EditorView,
  MatchDecorator,
  type ReactCodeMirrorRef,
  ViewPlugin,
  type ViewUpdate,
} from '@uiw/react-codemirror';
import { useEffect, useMemo, useRef, useState } from 'react';

import type { EditorMarker, TemplateCodeEditorProps } from './template-code-editor.js';

const fontTheme = EditorView.theme({
  '&': { fontSize: '13px' },
  '.cm-scroller': { fontFamily: 'var(--mantine-font-family-monospace)', lineHeight: '1.5' },
  '.cm-go-action': {
    color: 'var(--mantine-color-violet-text)',
    backgroundColor: 'var(--mantine-color-violet-light)',
    borderRadius: '3px',
  },
});

// Go template actions ({{ … }}) stand out from the YAML around them.
const actionMarks = new MatchDecorator({
  regexp: /\{\{.*?\}\}/g,
  decoration: Decoration.mark({ class: 'cm-go-action' }),
});

const goTemplateActions = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = actionMarks.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = actionMarks.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/** Document offset of a 1-based line and column, clamped to the document. */
function offsetOf(view: EditorView, line: number, column: number | null | undefined): number {
  const doc = view.state.doc;
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return Math.min(l.from + Math.max(0, (column ?? 1) - 1), l.to);
}

function diagnosticsOf(view: EditorView, markers: readonly EditorMarker[]): Diagnostic[] {
  return markers
    .filter((m) => m.line !== null && m.line !== undefined)
    .map((m) => {
      const from = offsetOf(view, m.line ?? 1, m.column);
      const line = view.state.doc.lineAt(from);
      // Without a column, mark the whole line; with one, from there to the line's end.
      return {
        from: m.column ? from : line.from,
        to: line.to,
        severity: 'error',
        message: m.message,
      };
    });
}

/** CodeMirror for Go-template YAML, with problems in the gutter; loaded lazily. */
export function TemplateCodeEditorImpl({
  value,
  onChange,
  readOnly = false,
  labelId,
  describedBy,
  markers,
  minHeight,
  maxHeight,
  cursor,
  onCursorPlaced,
}: TemplateCodeEditorProps) {
  const scheme = useComputedColorScheme('light');
  const editor = useRef<ReactCodeMirrorRef>(null);
  const invalid = markers.length > 0;
  const extensions = useMemo(
    () => [
      yaml(),
      fontTheme,
      goTemplateActions,
      lintGutter(),
      EditorView.contentAttributes.of({
        'aria-labelledby': labelId,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(invalid ? { 'aria-invalid': 'true' } : {}),
        ...(readOnly ? { 'aria-readonly': 'true' } : {}),
      }),
    ],
    [labelId, describedBy, invalid, readOnly],
  );

  useEffect(() => {
    const view = editor.current?.view;
    if (view) {
      view.dispatch(setDiagnostics(view.state, diagnosticsOf(view, markers)));
    }
  }, [markers, value]);

  // CodeMirror creates its view after mounting; a cursor asked for before waits for it.
  const [view, setView] = useState<EditorView | null>(null);
  useEffect(() => {
    if (!view || !cursor) {
      return;
    }
    const at = offsetOf(view, cursor.line, cursor.column);
    view.dispatch({
      selection: EditorSelection.cursor(at),
      effects: EditorView.scrollIntoView(at, { y: 'center' }),
    });
    view.focus();
    onCursorPlaced?.();
  }, [view, cursor, onCursorPlaced]);

  return (
    <CodeMirror
      ref={editor}
      onCreateEditor={setView}
      value={value}
      onChange={onChange}
      readOnly={readOnly}
      editable={!readOnly}
      theme={scheme}
      extensions={extensions}
      minHeight={minHeight}
      maxHeight={maxHeight}
      indentWithTab={false}
      basicSetup={{ foldGutter: true, highlightActiveLine: !readOnly }}
    />
  );
}
