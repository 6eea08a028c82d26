/**
 * Badge styles that keep the whole word: Mantine's label may shrink to "Creation e…" when a
 * table column is narrow; with these the badge is as wide as its words and the column follows.
 */
export const WHOLE_WORDS = {
  root: { overflow: 'visible', flexShrink: 0 },
  label: { overflow: 'visible', textOverflow: 'clip' },
} as const;
