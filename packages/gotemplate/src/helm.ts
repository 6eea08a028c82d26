// A small Helm harness over this engine: renders a chart's templates as `helm template` does,
// with Helm's documented built-in objects and template functions, so charts can be tested where
// Helm itself cannot be installed. What it implements (and nothing more):
//
// - Objects: .Values (values.yaml deep-merged with the given values; null deletes a key),
//   .Release (Name, Namespace, IsInstall, IsUpgrade, Revision, Service), .Chart (Chart.yaml with
//   Helm's capitalised keys), .Capabilities (KubeVersion {Version, Major, Minor, GitVersion},
//   APIVersions with .Has), .Files (Get, Glob → map of path to content, AsConfig not provided),
//   .Template (Name, BasePath).
// - Functions: sprig (without env/expandenv, as Helm), include, tpl, required, fail, toYaml,
//   fromYaml, fromYamlArray, toJson, fromJson, lookup (always an empty map, as `helm template`).
// - Files: templates/*.yaml|yml|tpl|txt; `_`-prefixed files only define templates; NOTES.txt is
//   rendered separately. "<no value>" is removed from the output, as Helm does.

import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { RenderBudget } from './budget.js';
import { builtins } from './builtins.js';
import { type ExecTemplateSet, execute } from './exec.js';
import { def, type FuncDef, GoError } from './funcs.js';
import { marshal } from './go/json.js';
import {
  BOOL,
  fromJSON,
  type GoMethod,
  type GoType,
  IFACE,
  MAP_STRING_IFACE,
  SLICE_IFACE,
  STRING,
  type Val,
  val,
} from './go/types.js';
import { parseTrees, type Tree } from './parse.js';
import { sprigFuncs } from './sprig/index.js';
import { str } from './sprig/util.js';

/** A chart: its files by path relative to the chart's root (`Chart.yaml`, `templates/x.yaml`). */
export type HelmChart = ReadonlyMap<string, string>;

/** What `helm template` would be given. */
export type HelmRenderOptions = {
  /** User values, deep-merged over values.yaml. */
  values?: Record<string, unknown>;
  release?: { name?: string; namespace?: string; isUpgrade?: boolean; revision?: number };
  /** Default 1.31.0. */
  kubeVersion?: string;
  /** API versions `.Capabilities.APIVersions.Has` knows (group/version or group/version/Kind). */
  apiVersions?: string[];
};

/** The rendered chart: manifest text by template path, and NOTES.txt's text when present. */
export type HelmRenderResult = { manifests: Map<string, string>; notes: string | null };

/** A `fail` or `required` of the chart, or any template error, with the chart's message. */
export class HelmRenderError extends Error {}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Helm's coalescing of values: user values win, maps merge, null deletes. */
export function mergeHelmValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) {
      delete out[k];
    } else if (isPlainObject(v) && isPlainObject(out[k])) {
      out[k] = mergeHelmValues(out[k], v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Go data → plain JSON-like JavaScript (through Go's encoding/json, as sigs.k8s.io/yaml). */
function toPlain(v: Val): unknown {
  return JSON.parse(marshal(v)) as unknown;
}

/** Helm's toYaml: sigs.k8s.io/yaml output without the final newline; "" for nil. */
function toYaml(v: Val): string {
  if (v === null) {
    return 'null';
  }
  return stringifyYaml(toPlain(v), { lineWidth: 0 }).replace(/\n$/, '');
}

function method(params: GoType[], result: GoType, call: GoMethod['call']): GoMethod {
  return { params, result, call };
}

// Helm's Files is map[string][]byte with methods; here a named map type with Get and Glob.
const FILES: GoType = {
  kind: 'map',
  name: 'chart.Files',
  key: STRING,
  elem: IFACE,
  methods: new Map<string, GoMethod>([
    [
      'Get',
      method([STRING], STRING, (recv, a) => {
        const files = recv.v as Map<string, Val>;
        return val(STRING, files.has(str(a[0] ?? null)) ? str(files.get(str(a[0] ?? null))!) : '');
      }),
    ],
    [
      'Glob',
      method([STRING], MAP_STRING_IFACE, (recv, a) => {
        const files = recv.v as Map<string, Val>;
        const re = globToRegExp(str(a[0] ?? null));
        const m = new Map<string, Val>();
        for (const [k, v] of files) {
          if (re.test(k)) m.set(k, v);
        }
        return val(MAP_STRING_IFACE, m);
      }),
    ],
  ]),
};

const API_VERSIONS: GoType = {
  kind: 'slice',
  name: 'chartutil.VersionSet',
  elem: STRING,
  methods: new Map<string, GoMethod>([
    [
      'Has',
      method([STRING], BOOL, (recv, a) =>
        val(
          BOOL,
          (recv.v as Val[]).some((e) => str(e) === str(a[0] ?? null)),
        ),
      ),
    ],
  ]),
};

function globToRegExp(glob: string): RegExp {
  const part = (p: string) =>
    p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
  return new RegExp(`^${glob.split('**').map(part).join('.*')}$`);
}

/** Chart.yaml keys as Helm's chart.Metadata exposes them (`name` → `.Chart.Name`). */
function chartObject(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    out[k.charAt(0).toUpperCase() + k.slice(1)] = v;
  }
  return out;
}

/**
 * Renders `chart` as `helm template` would (see the module comment for what is implemented).
 * @throws {HelmRenderError} with the template's message (a `fail`, a `required`, a parse error).
 */
export function renderHelmChart(
  chart: HelmChart,
  options: HelmRenderOptions = {},
): HelmRenderResult {
  const chartYaml = chart.get('Chart.yaml');
  if (chartYaml === undefined) throw new HelmRenderError('Chart.yaml is missing');
  const meta = parseYaml(chartYaml) as Record<string, unknown>;
  const chartName = String(meta.name);
  const defaults = (parseYaml(chart.get('values.yaml') ?? '') ?? {}) as Record<string, unknown>;
  const values = mergeHelmValues(defaults, options.values ?? {});
  const kube = options.kubeVersion ?? '1.31.0';
  const [major, minor] = kube.split('.');

  const trees = new Map<string, Tree>();
  let budget = new RenderBudget({ maxSteps: 50_000_000, maxOutputLength: 64 * 1024 * 1024 });
  // The set whose trees `include`/`tpl` execute: every file's defines share one namespace.
  const setFor = (parseName: string, text: string): ExecTemplateSet => ({
    parseName,
    text,
    trees,
    funcs,
    builtins,
  });

  const helmFuncs: Record<string, FuncDef> = {
    include: def(
      [STRING, IFACE],
      STRING,
      (a) => {
        const name = str(a[0] ?? null);
        if (!trees.has(name)) throw new GoError(`template: no template "${name}" associated`);
        return val(STRING, execute(setFor(name, ''), name, a[1] ?? null, budget));
      },
      { hasError: true },
    ),
    tpl: def(
      [STRING, IFACE],
      STRING,
      (a) => {
        const text = str(a[0] ?? null);
        const own = parseTrees('tpl', text, hasFunction);
        for (const [k, t] of own) trees.set(k, t);
        return val(STRING, execute(setFor('tpl', text), 'tpl', a[1] ?? null, budget));
      },
      { hasError: true },
    ),
    required: def(
      [STRING, IFACE],
      IFACE,
      (a) => {
        const v = a[1] ?? null;
        if (v === null || (v.t === STRING && str(v) === '')) throw new GoError(str(a[0] ?? null));
        return v;
      },
      { hasError: true },
    ),
    toYaml: def([IFACE], STRING, (a) => val(STRING, toYaml(a[0] ?? null))),
    fromYaml: def([STRING], MAP_STRING_IFACE, (a) => {
      try {
        const parsed = parseYaml(str(a[0] ?? null)) as unknown;
        const v = fromJSON(isPlainObject(parsed) ? parsed : {});
        return v ?? val(MAP_STRING_IFACE, new Map());
      } catch (e) {
        return fromJSON({ Error: (e as Error).message });
      }
    }),
    fromYamlArray: def([STRING], SLICE_IFACE, (a) => {
      const parsed = parseYaml(str(a[0] ?? null)) as unknown;
      return fromJSON(Array.isArray(parsed) ? parsed : []) ?? val(SLICE_IFACE, []);
    }),
    lookup: def([STRING, STRING, STRING, STRING], MAP_STRING_IFACE, () =>
      val(MAP_STRING_IFACE, new Map()),
    ),
  };
  const funcs = new Map<string, FuncDef>(sprigFuncs);
  funcs.delete('env');
  funcs.delete('expandenv');
  for (const [k, f] of Object.entries(helmFuncs)) funcs.set(k, f);
  function hasFunction(name: string): boolean {
    return funcs.has(name) || builtins.has(name);
  }

  const files = new Map<string, Val>();
  for (const [path, text] of chart) {
    if (!path.startsWith('templates/')) files.set(path, val(STRING, text));
  }
  const templatePaths = [...chart.keys()]
    .filter((p) => p.startsWith('templates/') && /\.(ya?ml|tpl|txt)$/.test(p))
    .sort();
  const fullName = (p: string) => `${chartName}/${p}`;
  for (const p of templatePaths) {
    try {
      for (const [k, t] of parseTrees(fullName(p), chart.get(p)!, hasFunction)) trees.set(k, t);
    } catch (e) {
      throw new HelmRenderError((e as Error).message);
    }
  }

  const render = (p: string): string => {
    const data = fromJSON({
      Values: values,
      Release: {
        Name: options.release?.name ?? 'release-name',
        Namespace: options.release?.namespace ?? 'default',
        IsInstall: !options.release?.isUpgrade,
        IsUpgrade: options.release?.isUpgrade ?? false,
        Revision: options.release?.revision ?? 1,
        Service: 'Helm',
      },
      Chart: chartObject(meta),
      Capabilities: {
        KubeVersion: { Version: `v${kube}`, GitVersion: `v${kube}`, Major: major, Minor: minor },
        HelmVersion: { Version: 'v3.16.0' },
      },
      Template: { Name: fullName(p), BasePath: `${chartName}/templates` },
    }) as Val & { v: Map<string, Val> };
    const top = data.v;
    top.set('Files', val(FILES, files));
    (top.get('Capabilities')!.v as Map<string, Val>).set(
      'APIVersions',
      val(
        API_VERSIONS,
        (options.apiVersions ?? []).map((s) => val(STRING, s)),
      ),
    );
    budget = new RenderBudget({ maxSteps: 50_000_000, maxOutputLength: 64 * 1024 * 1024 });
    try {
      return execute(setFor(fullName(p), chart.get(p)!), fullName(p), data, budget).replaceAll(
        '<no value>',
        '',
      );
    } catch (e) {
      throw new HelmRenderError((e as Error).message);
    }
  };

  const manifests = new Map<string, string>();
  let notes: string | null = null;
  for (const p of templatePaths) {
    const base = p.split('/').pop()!;
    if (base.startsWith('_')) continue;
    if (base === 'NOTES.txt') {
      notes = render(p);
      continue;
    }
    manifests.set(p, render(p));
  }
  return { manifests, notes };
}
