import { yaml } from '@codemirror/lang-yaml';
import { MergeView } from '@codemirror/merge';
import { useComputedColorScheme } from '@mantine/core';
import { EditorView, getDefaultExtensions } from '@uiw/react-codemirror';
import { useEffect, useRef } from 'react';

import type { ConfigurationDiffProps } from './configuration-diff.js';

const fontTheme = EditorView.theme({
  '&': { fontSize: '13px', maxHeight: '560px' },
  '.cm-scroller': { fontFamily: 'var(--mantine-font-family-monospace)', lineHeight: '1.5' },
});

/** CodeMirror's merge view, read-only: applied (left) against desired (right). Loaded lazily. */
export function ConfigurationDiffImpl({
  applied,
  desired,
  appliedLabel,
  desiredLabel,
}: ConfigurationDiffProps) {
  const parent = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');
  useEffect(() => {
    const element = parent.current;
    if (!element) {
      return;
    }
    const side = (label: string) => [
      ...getDefaultExtensions({
        theme: scheme,
        readOnly: true,
        editable: false,
        basicSetup: {
          foldGutter: false,
          highlightActiveLine: false,
          highlightActiveLineGutter: false,
        },
      }),
      yaml(),
      fontTheme,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true' }),
    ];
    const view = new MergeView({
      a: { doc: applied, extensions: side(appliedLabel) },
      b: { doc: desired, extensions: side(desiredLabel) },
      parent: element,
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 8 },
    });
    return () => view.destroy();
  }, [applied, desired, appliedLabel, desiredLabel, scheme]);
  return <div ref={parent} />;
}
