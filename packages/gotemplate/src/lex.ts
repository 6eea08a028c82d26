// A port of Go's text/template/parse lexer (Go 1.19). Positions are JavaScript string offsets;
// error columns are converted to UTF-8 byte offsets where they are reported.

import { quote } from './go/strconv.js';
import { isDigit, isLetter, isPrint } from './go/utf8.js';

/** Token types, in Go's order (keywords after `Keyword`). */
export const I = {
  Error: 0,
  Bool: 1,
  Char: 2,
  CharConstant: 3,
  Comment: 4,
  Complex: 5,
  Assign: 6,
  Declare: 7,
  EOF: 8,
  Field: 9,
  Identifier: 10,
  LeftDelim: 11,
  LeftParen: 12,
  Number: 13,
  Pipe: 14,
  RawString: 15,
  RightDelim: 16,
  RightParen: 17,
  Space: 18,
  String: 19,
  Text: 20,
  Variable: 21,
  Keyword: 22,
  Block: 23,
  Break: 24,
  Continue: 25,
  Dot: 26,
  Define: 27,
  Else: 28,
  End: 29,
  If: 30,
  Nil: 31,
  Range: 32,
  Template: 33,
  With: 34,
} as const;

/** A token type. */
export type ItemType = (typeof I)[keyof typeof I];

/** A lexed token. */
export type Item = { typ: ItemType; pos: number; val: string; line: number };

const keywords: Record<string, ItemType> = {
  '.': I.Dot,
  block: I.Block,
  break: I.Break,
  continue: I.Continue,
  define: I.Define,
  else: I.Else,
  end: I.End,
  if: I.If,
  range: I.Range,
  nil: I.Nil,
  template: I.Template,
  with: I.With,
};

const EOF = -1;
const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER_LEN = 2;

/** Go's item.String(), used in "unexpected %s" parse errors. */
export function itemString(i: Item): string {
  if (i.typ === I.EOF) {
    return 'EOF';
  }
  if (i.typ === I.Error) {
    return i.val;
  }
  if (i.typ > I.Keyword) {
    return `<${i.val}>`;
  }
  const chars = [...i.val];
  if (chars.length > 10) {
    return quote(chars.slice(0, 10).join('')) + '...';
  }
  return quote(i.val);
}

function isSpaceChar(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

function isAlphaNumeric(r: number): boolean {
  return r === 0x5f || isLetter(r) || isDigit(r);
}

function isSpaceStr(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpaceStr(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpaceStr(s[at]) && s[at + 1] === '-';
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) {
    n++;
  }
  return n;
}

type StateFn = ((l: Lexer) => StateFn) | null;

/** The lexer: produces all items eagerly (Go runs it in a goroutine; the order is the same). */
export class Lexer {
  readonly input: string;
  readonly leftDelim = LEFT_DELIM;
  readonly rightDelim = RIGHT_DELIM;
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  breakOK: boolean;
  continueOK: boolean;
  items: Item[] = [];
  private cursor = 0;
  private state: StateFn = lexText;

  constructor(input: string, breakOK: boolean, continueOK: boolean) {
    this.input = input;
    this.breakOK = breakOK;
    this.continueOK = continueOK;
  }

  /** Returns the next item, running the state machine as far as needed. */
  nextItem(): Item {
    while (this.cursor >= this.items.length) {
      if (this.state === null) {
        // After EOF/error Go's channel is closed: a receive yields the zero item (an error "").
        return { typ: I.Error, pos: 0, val: '', line: 0 };
      }
      this.state = this.state(this);
    }
    const item = this.items[this.cursor++];
    if (!item) {
      throw new Error('lexer: no item');
    }
    return item;
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos) ?? 0;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) {
      this.line++;
    }
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const c = this.input.charCodeAt(this.pos - 1);
      const w = c >= 0xdc00 && c <= 0xdfff && this.pos > 1 ? 2 : 1;
      this.pos -= w;
      if (c === 0x0a) {
        this.line--;
      }
    }
  }

  emit(t: ItemType): void {
    this.items.push({
      typ: t,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.startLine,
    });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) {
      return true;
    }
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) {
        break;
      }
    }
    this.backup();
  }

  errorf(msg: string): StateFn {
    this.items.push({ typ: I.Error, pos: this.start, val: msg, line: this.startLine });
    return null;
  }

  atRightDelim(): [boolean, boolean] {
    if (
      hasRightTrimMarker(this.input, this.pos) &&
      this.input.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN)
    ) {
      return [true, true];
    }
    if (this.input.startsWith(this.rightDelim, this.pos)) {
      return [true, false];
    }
    return [false, false];
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpaceChar(r)) {
      return true;
    }
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.input.startsWith(this.rightDelim, this.pos);
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) {
        digits = '0123456789abcdefABCDEF_';
      } else if (this.accept('oO')) {
        digits = '01234567_';
      } else if (this.accept('bB')) {
        digits = '01_';
      }
    }
    this.acceptRun(digits);
    if (this.accept('.')) {
      this.acceptRun(digits);
    }
    if (digits.length === 10 + 1 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

/** Go's %#U formatting of a rune, used in lexer errors. */
function formatSharpU(r: number): string {
  const hexs = r.toString(16).toUpperCase().padStart(4, '0');
  if (r >= 0 && isPrint(r)) {
    return `U+${hexs} '${String.fromCodePoint(r)}'`;
  }
  return `U+${hexs}`;
}

function lexText(l: Lexer): StateFn {
  const x = l.input.indexOf(l.leftDelim, l.pos);
  if (x >= 0) {
    const ldn = l.leftDelim.length;
    l.pos = x;
    let trimLength = 0;
    if (hasLeftTrimMarker(l.input, l.pos + ldn)) {
      const text = l.input.slice(l.start, l.pos);
      trimLength = text.length - text.replace(/[ \t\r\n]+$/, '').length;
    }
    l.pos -= trimLength;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input, l.start, l.pos);
      l.emit(I.Text);
    }
    l.pos += trimLength;
    l.ignore();
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    l.emit(I.Text);
  }
  l.emit(I.EOF);
  return null;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpaceStr(s[i])) {
    i++;
  }
  return i - from;
}

function lexLeftDelim(l: Lexer): StateFn {
  l.pos += l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit(I.LeftDelim);
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return lexInsideAction;
}

function lexComment(l: Lexer): StateFn {
  l.pos += LEFT_COMMENT.length;
  const i = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (i < 0) {
    return l.errorf('unclosed comment');
  }
  l.pos = i + RIGHT_COMMENT.length;
  const [delim, trimSpace] = l.atRightDelim();
  if (!delim) {
    return l.errorf('comment ends before closing delimiter');
  }
  if (trimSpace) {
    l.pos += TRIM_MARKER_LEN;
  }
  l.pos += l.rightDelim.length;
  if (trimSpace) {
    l.pos += leftTrimLength(l.input, l.pos);
  }
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn {
  const trimSpace = hasRightTrimMarker(l.input, l.pos);
  if (trimSpace) {
    l.pos += TRIM_MARKER_LEN;
    l.ignore();
  }
  l.pos += l.rightDelim.length;
  l.emit(I.RightDelim);
  if (trimSpace) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  return lexText;
}

function lexInsideAction(l: Lexer): StateFn {
  const [delim] = l.atRightDelim();
  if (delim) {
    if (l.parenDepth === 0) {
      return lexRightDelim;
    }
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF) {
    return l.errorf('unclosed action');
  }
  if (isSpaceChar(r)) {
    l.backup();
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      l.emit(I.Assign);
      return lexInsideAction;
    case 0x3a: // :
      if (l.next() !== 0x3d) {
        return l.errorf('expected :=');
      }
      l.emit(I.Declare);
      return lexInsideAction;
    case 0x7c: // |
      l.emit(I.Pipe);
      return lexInsideAction;
    case 0x22: // "
      return lexQuote;
    case 0x60: // `
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27: // '
      return lexChar;
    case 0x2e: {
      // .
      if (l.pos < l.input.length) {
        const c = l.input.charCodeAt(l.pos);
        if (c < 0x30 || c > 0x39) {
          return lexField;
        }
      }
      l.backup();
      return lexNumber;
    }
    case 0x28: // (
      l.emit(I.LeftParen);
      l.parenDepth++;
      return lexInsideAction;
    case 0x29: // )
      l.emit(I.RightParen);
      l.parenDepth--;
      if (l.parenDepth < 0) {
        return l.errorf(`unexpected right paren ${formatSharpU(r)}`);
      }
      return lexInsideAction;
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && r >= 0x20 && r !== 0x7f) {
    l.emit(I.Char);
    return lexInsideAction;
  }
  return l.errorf(`unrecognized character in action: ${formatSharpU(r)}`);
}

function lexSpace(l: Lexer): StateFn {
  let numSpaces = 0;
  for (;;) {
    const r = l.peek();
    if (!isSpaceChar(r)) {
      break;
    }
    l.next();
    numSpaces++;
  }
  if (
    hasRightTrimMarker(l.input, l.pos - 1) &&
    l.input.startsWith(l.rightDelim, l.pos - 1 + TRIM_MARKER_LEN)
  ) {
    l.backup();
    if (numSpaces === 1) {
      return lexRightDelim;
    }
  }
  l.emit(I.Space);
  return lexInsideAction;
}

function lexIdentifier(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) {
      continue;
    }
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) {
      return l.errorf(`bad character ${formatSharpU(r)}`);
    }
    const kw = keywords[word];
    if (kw !== undefined && kw > I.Keyword) {
      if ((kw === I.Break && !l.breakOK) || (kw === I.Continue && !l.continueOK)) {
        l.emit(I.Identifier);
      } else {
        l.emit(kw);
      }
    } else if (word[0] === '.') {
      l.emit(I.Field);
    } else if (word === 'true' || word === 'false') {
      l.emit(I.Bool);
    } else {
      l.emit(I.Identifier);
    }
    return lexInsideAction;
  }
}

function lexField(l: Lexer): StateFn {
  return lexFieldOrVariable(l, I.Field);
}

function lexVariable(l: Lexer): StateFn {
  if (l.atTerminator()) {
    l.emit(I.Variable);
    return lexInsideAction;
  }
  return lexFieldOrVariable(l, I.Variable);
}

function lexFieldOrVariable(l: Lexer, typ: ItemType): StateFn {
  if (l.atTerminator()) {
    l.emit(typ === I.Variable ? I.Variable : I.Dot);
    return lexInsideAction;
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) {
    return l.errorf(`bad character ${formatSharpU(r)}`);
  }
  l.emit(typ);
  return lexInsideAction;
}

function lexChar(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const r2 = l.next();
      if (r2 !== EOF && r2 !== 0x0a) {
        continue;
      }
      return l.errorf('unterminated character constant');
    }
    if (r === EOF || r === 0x0a) {
      return l.errorf('unterminated character constant');
    }
    if (r === 0x27) {
      break;
    }
  }
  l.emit(I.CharConstant);
  return lexInsideAction;
}

function lexNumber(l: Lexer): StateFn {
  if (!l.scanNumber()) {
    return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
  }
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    }
    l.emit(I.Complex);
  } else {
    l.emit(I.Number);
  }
  return lexInsideAction;
}

function lexQuote(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const r2 = l.next();
      if (r2 !== EOF && r2 !== 0x0a) {
        continue;
      }
      return l.errorf('unterminated quoted string');
    }
    if (r === EOF || r === 0x0a) {
      return l.errorf('unterminated quoted string');
    }
    if (r === 0x22) {
      break;
    }
  }
  l.emit(I.String);
  return lexInsideAction;
}

function lexRawQuote(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (r === EOF) {
      return l.errorf('unterminated raw quoted string');
    }
    if (r === 0x60) {
      break;
    }
  }
  l.emit(I.RawString);
  return lexInsideAction;
}
