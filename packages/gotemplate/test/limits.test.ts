import { describe, expect, it } from 'vitest';

import {
  executeTemplate,
  parseTemplate,
  render,
  RenderBudget,
  type RenderLimitName,
  TemplateLimitError,
} from '../src/index.js';

function limitOf(fn: () => unknown): { limit: RenderLimitName; max: number } {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateLimitError) {
      return { limit: e.limit, max: e.max };
    }
    throw e;
  }
  throw new Error('expected a TemplateLimitError');
}

describe('render budget', () => {
  it('stops a step bomb at the step limit', () => {
    // 10^8 iterations unbounded: the typed result is the proof it stopped at the limit.
    const tpl = '{{ range until 1000 }}{{ range until 100000 }}{{ end }}{{ end }}';
    expect(limitOf(() => render(tpl, {}, { limits: { maxSteps: 100_000 } }))).toEqual({
      limit: 'steps',
      max: 100_000,
    });
  });

  it('stops a long render at the wall-clock deadline', () => {
    const tpl = '{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}';
    expect(limitOf(() => render(tpl, {}, { limits: { maxSteps: 1e12, timeoutMs: 100 } }))).toEqual({
      limit: 'timeout',
      max: 100,
    });
  });

  it('uses the defaults (1,000,000 steps) when no limits are given', () => {
    const tpl = '{{ range until 1000 }}{{ range until 100000 }}{{ end }}{{ end }}';
    const e = limitOf(() => render(tpl, {}));
    expect(['steps', 'timeout']).toContain(e.limit);
  });

  it('caps until, untilStep, seq and range over long lists', () => {
    const limits = { maxRange: 1000 };
    expect(limitOf(() => render('{{ until 1001 }}', {}, { limits }))).toEqual({
      limit: 'range',
      max: 1000,
    });
    expect(limitOf(() => render('{{ untilStep 0 2000000000 1 }}', {}, { limits })).limit).toBe(
      'range',
    );
    expect(limitOf(() => render('{{ seq 5000 }}', {}, { limits })).limit).toBe('range');
    expect(
      limitOf(() => render('{{ range .xs }}{{ end }}', { xs: new Array(1001).fill(1) }, { limits }))
        .limit,
    ).toBe('range');
    expect(render('{{ len (until 1000) }} {{ seq 3 }}', {}, { limits })).toBe('1000 1 2 3');
  });

  it('caps repeat count and the strings it builds', () => {
    expect(
      limitOf(() => render('{{ range until 2 }}{{ repeat 200000000 "a" }}{{ end }}', {})),
    ).toEqual({
      limit: 'range',
      max: 100_000,
    });
    expect(
      limitOf(() =>
        render('{{ repeat 1000 "aaaaaaaaaa" }}', {}, { limits: { maxStringLength: 5000 } }),
      ),
    ).toEqual({ limit: 'string', max: 5000 });
    expect(render('{{ repeat 3 "ab" }}', {})).toBe('ababab');
  });

  it('caps intermediate strings: printf width, join, indent', () => {
    const limits = { maxStringLength: 10_000 };
    expect(limitOf(() => render('{{ printf "%900000d" 1 }}', {}, { limits })).limit).toBe('string');
    expect(
      limitOf(() => render('{{ $s := repeat 90 "x" }}{{ join $s (until 500) }}', {}, { limits }))
        .limit,
    ).toBe('string');
    expect(limitOf(() => render('{{ indent 20000 "a" }}', {}, { limits })).limit).toBe('string');
  });

  it('caps the output', () => {
    const tpl = '{{ range until 10000 }}0123456789{{ end }}';
    expect(limitOf(() => render(tpl, {}, { limits: { maxOutputLength: 50_000 } }))).toEqual({
      limit: 'output',
      max: 50_000,
    });
    expect(render(tpl, {}, { limits: { maxOutputLength: 100_000 } })).toHaveLength(100_000);
  });

  it('caps template recursion depth when limits are given', () => {
    const tpl = '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}';
    expect(limitOf(() => render(tpl, {}, { limits: { maxDepth: 50 } }))).toEqual({
      limit: 'depth',
      max: 50,
    });
    expect(limitOf(() => render(tpl, {}, { limits: { maxDepth: 1000 } }))).toEqual({
      limit: 'depth',
      max: 1000,
    });
  });

  it('shares one budget between several templates', () => {
    const budget = new RenderBudget({ maxSteps: 10_000 });
    const parsed = parseTemplate('{{ range until 1000 }}x{{ end }}');
    executeTemplate(parsed, {}, { budget });
    executeTemplate(parsed, {}, { budget });
    expect(budget.used).toBeGreaterThan(2_000);
    expect(
      limitOf(() => {
        for (let i = 0; i < 10; i++) {
          executeTemplate(parsed, {}, { budget });
        }
      }).limit,
    ).toBe('steps');
  });

  it('refuses non-positive limits', () => {
    expect(() => new RenderBudget({ maxSteps: 0 })).toThrow(RangeError);
  });
});

describe('regular expressions run in linear time (RE2)', () => {
  const evil = 'a'.repeat(30) + 'b';

  it.each([
    ['regexMatch', '{{ regexMatch "^(a+)+$" .s }}', 'false'],
    ['regexFind', '{{ regexFind "(a+)+$" .s | quote }}', '""'],
    ['regexFindAll', '{{ regexFindAll "(a|aa)+$" .s -1 | len }}', '0'],
    ['regexReplaceAll', '{{ regexReplaceAll "(a+)+c" .s "x" }}', evil],
    ['regexSplit', '{{ regexSplit "(a*)*c" .s -1 | len }}', '1'],
  ])('%s on a catastrophic pattern', (_name, tpl, want) => {
    // A backtracking engine would not finish (exponential in the input): answering is the proof.
    expect(render(tpl, { s: evil })).toBe(want);
  });

  it('keeps Go semantics: leftmost-first, groups, anchors after the start, duplicate names', () => {
    expect(render('{{ regexFindAll "a|ab" "abab" -1 }}', {})).toBe('[a a]');
    expect(render('{{ regexReplaceAll "(?P<x>a)(b)?" "ab a" "<${x}|$2>" }}', {})).toBe(
      '<a|b> <a|>',
    );
    expect(render('{{ regexFindAll "^a" "aaa" -1 }}', {})).toBe('[a]');
    expect(render('{{ regexFindAll "\\\\ba" "a a" -1 }}', {})).toBe('[a a]');
    expect(render('{{ regexReplaceAll "(?P<n>a)|(?P<n>b)" "ab" "${n}" }}', {})).toBe('ab');
  });

  it('refuses lookarounds and backreferences like Go', () => {
    expect(() => render('{{ mustRegexMatch "a(?=b)" "ab" }}', {})).toThrow(/error parsing regexp/);
    expect(() => render('{{ mustRegexMatch "(a)\\\\1" "aa" }}', {})).toThrow(
      /error parsing regexp/,
    );
  });
});
