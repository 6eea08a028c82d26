// Locating values of a parsed YAML document in its source text, so errors can name a line.

import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** A YAML document together with what is needed to map paths back to source lines. */
export type YamlSource = {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
};

function nodeLine(
  source: YamlSource,
  node: { range?: [number, number, number] | null },
): number | null {
  const start = node.range?.[0];
  return start === undefined ? null : source.lineCounter.linePos(start).line;
}

/**
 * The 1-based source line of the value at `path` (of the key, for mapping entries). When the path
 * does not exist completely, the line of the deepest part that does (so a missing field points at
 * its parent mapping); null when not even the root has a position.
 */
export function lineOfPath(source: YamlSource, path: readonly PropertyKey[]): number | null {
  let node: unknown = source.doc.contents;
  let line: number | null = isNodeLike(node) ? nodeLine(source, node) : null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (pair === undefined) {
        return line;
      }
      if (isNodeLike(pair.key)) {
        line = nodeLine(source, pair.key) ?? line;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (!isNodeLike(item)) {
        return line;
      }
      line = nodeLine(source, item) ?? line;
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
