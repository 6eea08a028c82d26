import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { executeTemplate, parseTemplate, render, TemplateError } from '../src/index.js';

function catchError(f: () => unknown): TemplateError {
  try {
    f();
  } catch (e) {
    if (e instanceof TemplateError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a TemplateError');
}

describe('render', () => {
  it('renders values like the Go engine', () => {
    expect(render('host: {{ .ip | quote }}', { ip: '10.0.0.1' })).toBe('host: "10.0.0.1"');
  });

  it('treats JSON numbers as float64', () => {
    expect(render('{{ .n }} {{ printf "%d" .n }} {{ .n | int }}', { n: 22 })).toBe(
      '22 %!d(float64=22) 22',
    );
  });

  it('prints <no value> for missing keys and accepts null/undefined values', () => {
    expect(render('[{{ .missing }}]', {})).toBe('[<no value>]');
    expect(render('{{ . }}', null)).toBe('map[]');
    expect(render('{{ . }}', undefined)).toBe('map[]');
  });

  it('does not let one render mutate another run through cached trees', () => {
    const tpl = '{{ $d := dict }}{{ $_ := set $d "k" .v }}{{ $d.k }}';
    expect(render(tpl, { v: 'a' })).toBe('a');
    expect(render(tpl, { v: 'b' })).toBe('b');
  });
});

describe('parseTemplate', () => {
  it('validates without executing', () => {
    const parsed = parseTemplate('{{ fail "only at run time" }}', { name: 'x' });
    expect(parsed.name).toBe('x');
    expect(() => executeTemplate(parsed, {})).toThrow(/only at run time/);
  });

  it('lists the defined templates and caches by name and text', () => {
    const a = parseTemplate('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}', {
      name: 'main',
    });
    expect([...a.templateNames].sort()).toEqual(['a', 'b', 'main']);
    expect(
      parseTemplate('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}', { name: 'main' }),
    ).toBe(a);
    expect(
      parseTemplate('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}', { name: 'other' }),
    ).not.toBe(a);
  });

  it('reports parse errors with Go text and structure', () => {
    const e = catchError(() => parseTemplate('a\nb\n{{ toYaml .x }}', { name: 'kubernetes' }));
    expect(e.message).toBe('template: kubernetes:3: function "toYaml" not defined');
    expect(e.kind).toBe('parse');
    expect(e.templateName).toBe('kubernetes');
    expect(e.line).toBe(3);
    expect(e.column).toBeUndefined();
    expect(e.reason).toBe('function "toYaml" not defined');
  });

  it('defaults the name to "template"', () => {
    expect(catchError(() => parseTemplate('{{ end }}')).message).toBe(
      'template: template:1: unexpected {{end}}',
    );
  });
});

describe('execution errors', () => {
  it('carry the position in bytes, the executing template and the node', () => {
    const e = catchError(() =>
      render('ü: {{ .a }}\n  {{ gt .replicas 5 }}', { replicas: 3 }, { name: 'kubernetes' }),
    );
    expect(e.message).toBe(
      'template: kubernetes:2:5: executing "kubernetes" at <gt .replicas 5>: error calling gt: incompatible types for comparison',
    );
    expect(e.kind).toBe('exec');
    expect(e.line).toBe(2);
    expect(e.column).toBe(5);
    expect(e.executing).toBe('kubernetes');
    expect(e.context).toBe('gt .replicas 5');
    expect(e.reason).toBe('error calling gt: incompatible types for comparison');
  });

  it('name the define being executed', () => {
    const e = catchError(() =>
      render('{{ define "t" }}{{ .x.y }}{{ end }}{{ template "t" . }}', { x: 1 }),
    );
    expect(e.executing).toBe('t');
    expect(e.templateName).toBe('template');
  });

  it("stop infinite template recursion with Go's message", () => {
    const e = catchError(() =>
      render('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', {}),
    );
    expect(e.reason).toBe('exceeded maximum template depth (100000)');
  });
});

describe('non-deterministic functions (by shape)', () => {
  it('now and date', () => {
    const year = Number(render('{{ now | date "2006" }}', {}));
    expect(year).toBeGreaterThanOrEqual(2024);
    expect(render('{{ now }}', {})).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/,
    );
    expect(render('{{ date "2006-01-02" .x }}', { x: 'not a time' })).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
  });

  it('uuidv4, random strings and bytes', () => {
    const id = render('{{ uuidv4 }}', {});
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(render('{{ uuidv4 }}', {})).not.toBe(id);
    expect(render('{{ randAlphaNum 16 }}', {})).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(render('{{ randAlpha 8 }}', {})).toMatch(/^[A-Za-z]{8}$/);
    expect(render('{{ randNumeric 6 }}', {})).toMatch(/^\d{6}$/);
    expect(render('{{ randAscii 10 }}', {})).toMatch(/^[\x20-\x7e]{10}$/);
    expect(render('{{ randBytes 9 }}', {})).toMatch(/^[A-Za-z0-9+/]{12}$/);
    expect([...render('{{ shuffle "abcdef" }}', {})].sort().join('')).toBe('abcdef');
    expect(Number(render('{{ randInt 3 7 }}', {}))).toBeGreaterThanOrEqual(3);
  });

  it('ago', () => {
    expect(render('{{ ago (toDate "2006-01-02" "2020-01-01") }}', {})).toMatch(/^\d+h\d+m\d+s$/);
  });
});

describe('raw bytes in strings', () => {
  it('round-trip binary data through b64dec/b64enc and show U+FFFD in output', () => {
    expect(render('{{ "/w==" | b64dec | b64enc }}', {})).toBe('/w==');
    expect(render('{{ "/w==" | b64dec | len }}', {})).toBe('1');
    expect(render('[{{ "/w==" | b64dec }}]', {})).toBe('[\uFFFD]');
    expect(render('{{ "/w==" | b64dec | quote }}', {})).toBe('"\\xff"');
  });
});

describe('isomorphism', () => {
  it('uses no node: imports outside the CLI', () => {
    const src = path.resolve(import.meta.dirname, '..', 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'cli.ts',
    );
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(path.join(src, f), 'utf8');
      expect(text, f).not.toMatch(/from ['"]node:|require\(/);
      expect(text, f).not.toMatch(/\bprocess\.|\bBuffer\b/);
    }
  });
});

describe('limits', () => {
  it('reports absurd nesting as a TemplateError rather than a stack overflow', () => {
    const deep = '{{ if true }}'.repeat(20000) + 'x' + '{{ end }}'.repeat(20000);
    const e = catchError(() => parseTemplate(deep, { name: 'deep' }));
    expect(e.kind).toBe('parse');
    expect(e.message).toBe('template: deep: template nests too deeply');
  });

  it('handles ordinary nesting', () => {
    const nested = '{{ if true }}'.repeat(200) + 'x' + '{{ end }}'.repeat(200);
    expect(render(nested, {})).toBe('x');
  });
});
