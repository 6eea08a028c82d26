// The public engine: parse (with a small cache) and execute, as
// template.New(name).Option("missingkey=default").Funcs(sprig.TxtFuncMap()).Parse(text).Execute.

import { RenderBudget, type RenderLimits } from './budget.js';
import { builtins } from './builtins.js';
import { TemplateError } from './errors.js';
import { type ExecTemplateSet, execute } from './exec.js';
import { fromJSON, MAP_STRING_IFACE, type Val, val } from './go/types.js';
import { escapedByteCount, toDisplayString } from './go/utf8.js';
import { parseTrees, type Tree } from './parse.js';
import { sprigFuncs } from './sprig/index.js';

/** Options for parsing and rendering. */
export type TemplateOptions = {
  /** The template name used in error messages (Go's `template.New(name)`). Default `"template"`. */
  name?: string;
};

/** Options for executing: the render budget. */
export type ExecuteOptions = {
  /**
   * The budget to spend (share one between several templates to bound them together). When
   * absent, a budget with `limits` (or the defaults) is created for this execution.
   */
  budget?: RenderBudget;
  /** Limits of the budget created when `budget` is absent. */
  limits?: Partial<RenderLimits>;
};

/**
 * Without explicit limits, `template` recursion stops at text/template's own depth check (with
 * Go's error text, as the conformance tests expect) rather than at the budget's depth limit.
 */
const DEFAULT_EXECUTE_LIMITS: Partial<RenderLimits> = { maxDepth: Number.POSITIVE_INFINITY };

/** A parsed template, ready to execute any number of times. */
export type ParsedTemplate = {
  readonly name: string;
  readonly text: string;
  /** Names of all templates defined by the text (the main one and every `define`/`block`). */
  readonly templateNames: readonly string[];
  /** @internal */
  readonly set: ExecTemplateSet;
  /** @internal Whether the text's string literals hold bytes that are not UTF-8 (`"\xd0"`). */
  readonly rawBytes: boolean;
};

const DEFAULT_NAME = 'template';
const CACHE_LIMIT = 200;
// name → text → parsed. Keyed by the text itself so repeated renders of the same string hit
// V8's cached string hash instead of hashing a freshly concatenated key.
const cache = new Map<string, Map<string, ParsedTemplate>>();
let cacheSize = 0;

function hasFunction(name: string): boolean {
  return sprigFuncs.has(name) || builtins.has(name);
}

/**
 * Parses `text` as Go's text/template with the sprig function set, without executing it.
 * Results are cached by name and text.
 * @throws {TemplateError} kind `'parse'`, with Go's message (`template: NAME:LINE: …`).
 */
export function parseTemplate(text: string, options: TemplateOptions = {}): ParsedTemplate {
  const name = options.name === undefined || options.name === '' ? DEFAULT_NAME : options.name;
  const hit = cache.get(name)?.get(text);
  if (hit) {
    return hit;
  }
  let trees: Map<string, Tree>;
  const escapedBefore = escapedByteCount();
  try {
    trees = parseTrees(name, text, hasFunction);
  } catch (e) {
    throw tooDeep(e, name, 'parse');
  }
  const parsed: ParsedTemplate = {
    name,
    text,
    templateNames: [...trees.keys()],
    set: { parseName: name, text, trees, funcs: sprigFuncs, builtins },
    rawBytes: escapedByteCount() !== escapedBefore,
  };
  if (cacheSize >= CACHE_LIMIT) {
    // Simple and bounded: start over rather than track recency on every hit.
    cache.clear();
    cacheSize = 0;
  }
  let byText = cache.get(name);
  if (!byText) {
    byText = new Map();
    cache.set(name, byText);
  }
  byText.set(text, parsed);
  cacheSize++;
  return parsed;
}

/**
 * JavaScript's stack is smaller than Go's: absurdly deep nesting (thousands of nested actions or
 * data levels) overflows it. Report that as a TemplateError instead of a RangeError.
 */
function tooDeep(e: unknown, name: string, kind: 'parse' | 'exec'): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    const reason = 'template nests too deeply';
    return new TemplateError(`template: ${name}: ${reason}`, { kind, templateName: name, reason });
  }
  return e;
}

/** Converts JSON-like values to the Go data the oracle sees (`map[string]interface{}` for objects). */
export function toGoData(values: unknown): Val {
  if (values === null || values === undefined) {
    return val(MAP_STRING_IFACE, null);
  }
  return fromJSON(values);
}

/**
 * Executes a parsed template with `values` (JSON-like data: objects, arrays, strings, numbers,
 * booleans, null; numbers behave as Go's float64), within a render budget.
 * @throws {TemplateError} kind `'exec'`, with Go's message (`template: NAME:LINE:COL: executing …`).
 * @throws {TemplateLimitError} when the budget is exceeded.
 */
export function executeTemplate(
  parsed: ParsedTemplate,
  values: unknown,
  options: ExecuteOptions = {},
): string {
  const budget = options.budget ?? new RenderBudget(options.limits ?? DEFAULT_EXECUTE_LIMITS);
  const before = escapedByteCount();
  let out: string;
  try {
    out = execute(parsed.set, parsed.name, toGoData(values), budget);
  } catch (e) {
    throw tooDeep(e, parsed.name, 'exec');
  }
  // Raw (non-UTF-8) bytes can only appear if the text's literals hold them or some function
  // produced them during this run.
  return escapedByteCount() === before && !parsed.rawBytes ? out : toDisplayString(out);
}

/**
 * Renders `template` with `values`, exactly as Go's text/template with sprig and
 * `missingkey=default` would.
 * @throws {TemplateError} on parse or execution errors.
 */
export function render(
  template: string,
  values: unknown,
  options: TemplateOptions & ExecuteOptions = {},
): string {
  return executeTemplate(parseTemplate(template, options), values, options);
}
