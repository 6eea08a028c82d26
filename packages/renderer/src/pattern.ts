// The params schema's `pattern`: RE2 syntax (Go's regexp), matched in linear time by re2js, so a
// template author cannot make value validation (on the server or in a browser) backtrack for
// minutes with `(a+)+$`. Lookarounds and backreferences, which need backtracking, are refused.

import { RE2JS } from 're2js';

/** Why `pattern` is not usable, or null when it compiles as RE2. */
export function patternProblem(pattern: string): string | null {
  if (LOOKAROUND.test(pattern)) {
    return 'pattern uses a lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which RE2 does not support: patterns are RE2 regular expressions and run in linear time';
  }
  if (BACKREFERENCE.test(pattern)) {
    return 'pattern uses a backreference (\\1, \\k<name>), which RE2 does not support: patterns are RE2 regular expressions and run in linear time';
  }
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return `pattern is not a valid regular expression (RE2 syntax): ${message}`;
  }
}

// Outside a character class, after an even number of backslashes.
const LOOKAROUND = /(?:^|[^\\])(?:\\\\)*\(\?<?[=!]/;
const BACKREFERENCE = /(?:^|[^\\])(?:\\\\)*\\(?:[1-9]|k<)/;

/**
 * A RegExp whose `test` runs RE2 (linear time) on the whole value: zod's `.regex()` and the
 * form only call `test`. `exec` (and so `match`) is RE2 too.
 */
class Re2FullMatch extends RegExp {
  readonly #re: RE2JS;
  readonly #pattern: string;

  constructor(pattern: string) {
    // The JavaScript side is never used to match; RE2 does.
    super('(?:)');
    this.#pattern = pattern;
    this.#re = RE2JS.compile(`^(?:${pattern})$`);
  }

  override test(s: string): boolean {
    return this.#re.test(String(s));
  }

  override exec(s: string): RegExpExecArray | null {
    const input = String(s);
    const m = this.#re.matcher(input);
    if (!m.find(0)) {
      return null;
    }
    const groups: string[] = [];
    for (let i = 0; i <= m.groupCount(); i++) {
      groups.push(m.group(i) ?? (undefined as unknown as string));
    }
    const result = groups as RegExpExecArray;
    result.index = m.start();
    result.input = input;
    return result;
  }

  override toString(): string {
    return `/^(?:${this.#pattern})$/`;
  }
}

/**
 * `pattern` is an RE2 regular expression (Go's regexp syntax, no flags) that must match the whole
 * value: it is applied as `^(?:pattern)$`, so `[a-z]+` and `^[a-z]+$` mean the same.
 * @throws when the pattern is not valid RE2 (see {@link patternProblem}).
 */
export function patternRegExp(pattern: string): RegExp {
  return new Re2FullMatch(pattern);
}
