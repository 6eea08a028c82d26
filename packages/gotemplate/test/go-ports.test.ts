// Focused tests of the Go library ports the engine is built on (expected values from Go 1.19).

import { describe, expect, it } from 'vitest';

import { sprintf } from '../src/go/fmt.js';
import { formatFloat } from '../src/go/ftoa.js';
import { compile, RegexpSyntaxError } from '../src/go/regexp.js';
import { parseFloat, parseInt, quote, unquote } from '../src/go/strconv.js';
import { durationString, formatTime, parseDuration, parseTime, UTC } from '../src/go/time.js';
import { FLOAT64, INT, STRING, val } from '../src/go/types.js';
import { byteLength, byteSlice, utf8Decode, utf8Encode } from '../src/go/utf8.js';

describe('strconv.FormatFloat', () => {
  it('shortest %g switches to exponent at 1e21 for JSON but at exponent 6 for %v', () => {
    expect(formatFloat(22, 'g', -1)).toBe('22');
    expect(formatFloat(123456, 'g', -1)).toBe('123456');
    expect(formatFloat(1e6, 'g', -1)).toBe('1e+06');
    expect(formatFloat(1e21, 'g', -1)).toBe('1e+21');
    expect(formatFloat(0.0001, 'g', -1)).toBe('0.0001');
    expect(formatFloat(0.00001, 'g', -1)).toBe('1e-05');
    expect(formatFloat(-0, 'g', -1)).toBe('-0');
  });

  it('rounds exact ties to even, like Go', () => {
    expect(formatFloat(0.125, 'f', 2)).toBe('0.12');
    expect(formatFloat(0.375, 'f', 2)).toBe('0.38');
    expect(formatFloat(2.5, 'f', 0)).toBe('2');
    expect(formatFloat(3.5, 'f', 0)).toBe('4');
    expect(formatFloat(0.5, 'f', 0)).toBe('0');
    expect(formatFloat(1.0005, 'f', 3)).toBe('1.000');
  });

  it('formats e, x and b', () => {
    expect(formatFloat(123456.789, 'e', 6)).toBe('1.234568e+05');
    expect(formatFloat(1.5, 'x', -1)).toBe('0x1.8p+00');
    expect(formatFloat(1, 'b', -1)).toBe('4503599627370496p-52');
    expect(formatFloat(Number.NaN, 'g', -1)).toBe('NaN');
    expect(formatFloat(-Infinity, 'f', 2)).toBe('-Inf');
  });
});

describe('fmt.Sprintf', () => {
  it('reports bad verbs with the operand type', () => {
    expect(sprintf('%d', [val(FLOAT64, 22)])).toBe('%!d(float64=22)');
    expect(sprintf('%s %s', [val(STRING, 'a')])).toBe('a %!s(MISSING)');
    expect(sprintf('%d', [val(INT, 1n), val(STRING, 'x')])).toBe('1%!(EXTRA string=x)');
  });

  it('pads and quotes', () => {
    expect(
      sprintf('[%-5s|%5.2f|%05d|%q|%x]', [
        val(STRING, 'ab'),
        val(FLOAT64, 3.14159),
        val(INT, -42n),
        val(STRING, 'é\n'),
        val(STRING, 'hi'),
      ]),
    ).toBe('[ab   | 3.14|-0042|"é\\n"|6869]');
  });
});

describe('strconv', () => {
  it('quotes like strconv.Quote', () => {
    expect(quote('a"b\\c\n\t\u0001é\u2028')).toBe('"a\\"b\\\\c\\n\\t\\x01é\\u2028"');
  });

  it('unquotes Go literals, combining \\x bytes into UTF-8', () => {
    expect(unquote('"\\xc3\\xa9\\u00e9\\101"')).toBe('ééA');
    expect(unquote('`raw\\n`')).toBe('raw\\n');
    expect(unquote("'x'")).toBe('x');
    expect(() => unquote('"\\q"')).toThrow('invalid syntax');
  });

  it('parses numbers with Go rules', () => {
    expect(parseInt('0x1F', 0)).toBe(31n);
    expect(parseInt('017', 0)).toBe(15n);
    expect(parseInt('1_000', 0)).toBe(1000n);
    expect(() => parseInt('08', 0)).toThrow(/invalid syntax/);
    expect(() => parseInt('9223372036854775808', 0)).toThrow(/value out of range/);
    expect(parseFloat('0x1p-2')).toBe(0.25);
    expect(() => parseFloat('1e400')).toThrow(/value out of range/);
    expect(() => parseFloat('1__0')).toThrow(/invalid syntax/);
  });
});

describe('UTF-8 strings with raw bytes', () => {
  it('keeps invalid bytes and restores them on encoding', () => {
    const s = utf8Decode(Uint8Array.from([0x61, 0xff, 0xc3, 0xa9]));
    expect(byteLength(s)).toBe(4);
    expect([...utf8Encode(s)]).toEqual([0x61, 0xff, 0xc3, 0xa9]);
    expect(byteLength(byteSlice('é', 0, 1))).toBe(1);
  });
});

describe('regexp (RE2 on JavaScript)', () => {
  it('follows Go empty-match rules in FindAll and ReplaceAll', () => {
    expect(compile('a*').findAllString('baaab', -1)).toEqual(['', 'aaa', '']);
    expect(compile('b*').replaceAllString('abc', '-')).toBe('-a-c-');
    expect(compile('').split('abc', -1)).toEqual(['a', 'b', 'c']);
  });

  it('expands $1, ${name} and keeps $ literal when malformed', () => {
    const re = compile('(?P<first>\\w+) (\\w+)');
    expect(re.replaceAllString('john smith', '$2, ${first}')).toBe('smith, john');
    expect(re.replaceAllString('john smith', '$1x|$$|${')).toBe('|$|${');
  });

  it('uses ASCII classes, Go dot and anchors', () => {
    expect(compile('^\\s+$').matchString('\u00a0')).toBe(false);
    expect(compile('a.b').matchString('a\rb')).toBe(true);
    expect(compile('a.b').matchString('a\nb')).toBe(false);
    expect(compile('a$').matchString('a\n')).toBe(false);
    expect(compile('(?m)^b$').matchString('a\nb\nc')).toBe(true);
    expect(compile('(?i)straSSe').matchString('STRASSE')).toBe(true);
  });

  it('rejects what RE2 rejects, with Go messages', () => {
    const err = (p: string): string => {
      try {
        compile(p);
      } catch (e) {
        if (e instanceof RegexpSyntaxError) {
          return e.message;
        }
      }
      return 'ok';
    };
    expect(err('(a)\\1')).toBe('error parsing regexp: invalid escape sequence: `\\1`');
    expect(err('a(?=b)')).toBe('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(err('x{1001}')).toBe('error parsing regexp: invalid repeat count: `{1001}`');
    expect(err('a**')).toBe('error parsing regexp: invalid nested repetition operator: `**`');
    expect(err('[[:word:]]')).toBe('ok');
  });
});

describe('time', () => {
  it('formats and parses Go layouts', () => {
    const t = parseTime('2006-01-02 15:04:05', '2024-07-04 09:08:07', UTC);
    expect(formatTime(t, 'Mon Jan _2 3:04PM 2006 MST')).toBe('Thu Jul  4 9:08AM 2024 UTC');
    expect(() => parseTime('2006-01-02', '2024-1-02', UTC)).toThrow(
      'parsing time "2024-1-02" as "2006-01-02": cannot parse "1-02" as "01"',
    );
  });

  it('formats and parses durations', () => {
    expect(durationString(3_700_000_000_000n)).toBe('1h1m40s');
    expect(durationString(1_500_000n)).toBe('1.5ms');
    expect(parseDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(() => parseDuration('1x')).toThrow('time: unknown unit "x" in duration "1x"');
  });
});
