import { yaml } from '@codemirror/lang-yaml';
import { MergeView } from '@codemirror/merge';
import { useComputedColorScheme } from '@mantine/core';
import { EditorView, getDefaultExtensions } from '@uiw/react-codemirror';
import { useEffect, useRef } from 'react';

import type { ConfigDiffProps } from './config-diff.js';

const fontTheme = EditorView.theme({
  '&': { fontSize: '13px', maxHeight: '520px' },
  '.cm-scroller': { fontFamily: 'var(--mantine-font-family-monospace)', lineHeight: '1.5' },
});

/** CodeMirror's side-by-side merge view, read-only (loaded lazily, see config-diff.tsx). */
export function ConfigDiffImpl({ applied, desired, appliedLabel, desiredLabel }: ConfigDiffProps) {
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
      // Long configurations: show the changes with some context, fold the rest (identical
      // texts stay unfolded: there is nothing else to look at).
      ...(applied === desired ? {} : { collapseUnchanged: { margin: 3, minSize: 6 } }),
    });
    return () => view.destroy();
  }, [applied, desired, appliedLabel, desiredLabel, scheme]);
  return <div ref={parent} />;
}
