import { describe, expect, it } from 'vitest';

import { HelmRenderError, mergeHelmValues, renderHelmChart } from './helm.js';

function chart(templates: Record<string, string>, values = ''): Map<string, string> {
  return new Map<string, string>([
    ['Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: "4.5"\n'],
    ['values.yaml', values],
    ['files/a.txt', 'alpha'],
    ['files/b.txt', 'beta'],
    ['other/c.json', '{}'],
    ...Object.entries(templates).map(([k, v]) => [`templates/${k}`, v] as [string, string]),
  ]);
}

function one(text: string, values: Record<string, unknown> = {}, defaults = ''): string {
  return renderHelmChart(chart({ 'x.yaml': text }, defaults), { values }).manifests.get(
    'templates/x.yaml',
  )!;
}

describe('Helm harness', () => {
  it('exposes the built-in objects', () => {
    expect(
      one(
        '{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Release.Name }} ' +
          '{{ .Release.Namespace }} {{ .Release.IsInstall }} {{ .Release.Service }} {{ .Template.Name }} ' +
          '{{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }}',
      ),
    ).toBe('demo 1.2.3 4.5 release-name default true Helm demo/templates/x.yaml 1.31');
  });

  it('merges values over values.yaml (null deletes) and removes <no value>', () => {
    expect(mergeHelmValues({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: 3 }, d: null })).toEqual({
      a: { b: 1, c: 3 },
    });
    expect(
      one(
        '{{ .Values.a.b }}-{{ .Values.a.c }}-{{ .Values.missing }}',
        { a: { c: 3 } },
        'a: {b: 1, c: 2}',
      ),
    ).toBe('1-3-');
  });

  it('include, tpl, toYaml, fromYaml, required, lookup', () => {
    const out = renderHelmChart(
      chart({
        '_h.tpl': '{{- define "demo.name" -}}n-{{ .x }}{{- end -}}',
        'x.yaml':
          '{{ include "demo.name" (dict "x" 1) | upper }}|{{ tpl "{{ .Values.t }}!" . }}|' +
          '{{ toYaml .Values.obj | nindent 2 }}|{{ (fromYaml "k: v").k }}|' +
          '{{ required "need r" .Values.r }}|{{ len (lookup "v1" "Secret" "ns" "n") }}',
      }),
      { values: { t: 'tee', obj: { b: [1, 'two'], a: true }, r: 'ok' } },
    ).manifests.get('templates/x.yaml');
    expect(out).toBe('N-1|tee!|\n  a: true\n  b:\n    - 1\n    - two|v|ok|0');
  });

  it('.Files.Get and .Files.Glob, .Capabilities.APIVersions.Has', () => {
    const out = renderHelmChart(
      chart({
        'x.yaml':
          '{{ .Files.Get "files/a.txt" }}|{{ .Files.Get "nope" }}|' +
          '{{ range $k, $v := .Files.Glob "files/*.txt" }}{{ $k }}={{ $v }};{{ end }}|' +
          '{{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}',
      }),
      { apiVersions: ['monitoring.coreos.com/v1'] },
    ).manifests.get('templates/x.yaml');
    expect(out).toBe('alpha||files/a.txt=alpha;files/b.txt=beta;|true');
  });

  it('fail and required stop rendering with the chart’s message; env is not available', () => {
    expect(() => one('{{ fail "no keys given" }}')).toThrow(HelmRenderError);
    expect(() => one('{{ fail "no keys given" }}')).toThrow('no keys given');
    expect(() => one('{{ required "database.url is required" .Values.database }}')).toThrow(
      'database.url is required',
    );
    expect(() => one('{{ env "HOME" }}')).toThrow(HelmRenderError);
  });

  it('renders NOTES.txt apart and skips partials', () => {
    const result = renderHelmChart(
      chart({ '_p.tpl': 'partial', 'NOTES.txt': 'hello {{ .Release.Name }}', 'y.yaml': 'y' }),
      { release: { name: 'r1' } },
    );
    expect([...result.manifests.keys()]).toEqual(['templates/y.yaml']);
    expect(result.notes).toBe('hello r1');
  });
});
