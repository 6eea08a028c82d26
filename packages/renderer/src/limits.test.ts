import { describe, expect, it } from 'vitest';

import { SPECIALS, STATIC_PARAMS, STATIC_VALUES, STATIC_VERSION } from '../test/fixtures.js';
import {
  parseParams,
  patternProblem,
  patternRegExp,
  renderClusterConfiguration,
  validateValues,
} from './index.js';

function values(): Record<string, unknown> {
  const result = validateValues(parseParams(STATIC_PARAMS).fields, STATIC_VALUES);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.errors));
  }
  return result.values;
}

describe('renderClusterConfiguration: render limits', () => {
  it('reports a step bomb as a typed limit result naming the section', () => {
    const version = {
      ...STATIC_VERSION,
      placement_template: '{{ range until 1000 }}{{ range until 100000 }}{{ end }}{{ end }}',
    };
    const result = renderClusterConfiguration(version, values(), SPECIALS, {
      limits: { maxSteps: 50_000 },
    });
    expect(result.limitExceeded).toEqual({ limit: 'steps', max: 50_000, section: 'placement' });
    expect(result.rendered).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({ section: 'placement', message: expect.stringMatching(/limit/) }),
    ]);
  });

  it('shares the step budget between sections', () => {
    const loop = '{{ range until 3000 }}{{ end }}';
    const version = { ...STATIC_VERSION, placement_template: loop, ssh_template: loop };
    const one = renderClusterConfiguration(version, values(), SPECIALS, {
      limits: { maxSteps: 100_000 },
    });
    expect(one.limitExceeded).toBeUndefined();
    const shared = renderClusterConfiguration(version, values(), SPECIALS, {
      limits: { maxSteps: 8_000 },
    });
    expect(shared.limitExceeded).toMatchObject({ limit: 'steps', section: 'ssh' });
  });

  it('caps the total output of all sections', () => {
    const big = '{{ repeat 3000 "#" }}';
    const version = { ...STATIC_VERSION, placement_template: big, installation_template: big };
    const result = renderClusterConfiguration(version, values(), SPECIALS, {
      limits: { maxOutputLength: 5_000 },
    });
    expect(result.limitExceeded).toEqual({ limit: 'output', max: 5_000, section: 'installation' });
  });

  it('applies the default limits when none are given', () => {
    const version = {
      ...STATIC_VERSION,
      kubernetes_template: '{{ range until 2 }}{{ repeat 200000000 "a" }}{{ end }}',
    };
    const result = renderClusterConfiguration(version, values(), SPECIALS);
    expect(result.limitExceeded).toEqual({ limit: 'range', max: 100_000, section: 'kubernetes' });
  });

  it('reports deep template recursion as the depth limit', () => {
    const version = {
      ...STATIC_VERSION,
      ssh_template: '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}',
    };
    const result = renderClusterConfiguration(version, values(), SPECIALS, {
      limits: { maxDepth: 100 },
    });
    expect(result.limitExceeded).toEqual({ limit: 'depth', max: 100, section: 'ssh' });
  });

  it('renders the example unchanged within the limits', () => {
    const result = renderClusterConfiguration(STATIC_VERSION, values(), SPECIALS, {
      limits: { maxSteps: 1_000_000 },
    });
    expect(result.limitExceeded).toBeUndefined();
    expect(result.errors).toEqual([]);
  });
});

describe('params pattern: RE2', () => {
  it('accepts RE2 syntax and matches the whole value in linear time', () => {
    expect(patternProblem('^[a-z0-9.-]+$')).toBeNull();
    expect(patternProblem('(?P<x>[a-z]+)-\\d+')).toBeNull();
    const re = patternRegExp('(a+)+');
    // Exponential for a backtracking engine: answering at all is the proof.
    expect(re.test('a'.repeat(5000) + 'b')).toBe(false);
    expect(re.test('aaa')).toBe(true);
    expect(patternRegExp('a|b').test('ab')).toBe(false);
  });

  it.each([
    ['(?=a)a', /lookahead or lookbehind/],
    ['(?!a)b', /lookahead or lookbehind/],
    ['(?<=a)b', /lookahead or lookbehind/],
    ['(?<!a)b', /lookahead or lookbehind/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['([a-z', /not a valid regular expression \(RE2 syntax\)/],
  ])('refuses %s with a clear message', (pattern, message) => {
    expect(patternProblem(pattern)).toMatch(message);
    const { errors } = parseParams([{ key: 'a', title: 'A', type: 'string', pattern }]);
    expect(errors).toEqual([
      expect.objectContaining({ property: 'pattern', message: expect.stringMatching(message) }),
    ]);
  });

  it('does not mistake an escaped parenthesis for a lookaround', () => {
    expect(patternProblem('\\(?=')).toBeNull();
  });

  it('validates values with RE2 (a catastrophic pattern answers at once)', () => {
    const { fields, errors } = parseParams([
      { key: 'v', title: 'V', type: 'string', pattern: '^(a+)+$' },
    ]);
    expect(errors).toEqual([]);
    // 2^40 steps for a backtracking engine: answering at all is the proof.
    const result = validateValues(fields, { v: 'a'.repeat(40) + 'b' });
    expect(result.ok).toBe(false);
    expect(validateValues(fields, { v: 'aaaa' }).ok).toBe(true);
  });
});
