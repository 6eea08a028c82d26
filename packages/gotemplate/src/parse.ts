// A port of Go's text/template/parse parser (Go 1.19): same grammar, same checks, same error
// texts and line numbers.

import { TemplateError } from './errors.js';
import {
  parseFloat,
  parseInt,
  parseUint,
  quote,
  StrconvError,
  unquote,
  unquoteChar,
} from './go/strconv.js';
import { isSpace } from './go/utf8.js';
import { I, type Item, itemString, type ItemType, Lexer } from './lex.js';
import {
  type BranchNode,
  type CommandNode,
  type ElseNode,
  type EndNode,
  type ListNode,
  type Node,
  nodeString,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './node.js';

/** A parsed template: its name and body. */
export type Tree = { name: string; root: ListNode };

/** Thrown internally to abort parsing (Go panics with an error). */
class ParseAbort extends Error {
  readonly error: TemplateError;
  constructor(error: TemplateError) {
    super(error.message);
    this.error = error;
  }
}

function isEmptyTree(n: Node | null): boolean {
  if (n === null) {
    return true;
  }
  switch (n.type) {
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      for (const ch of n.text) {
        if (!isSpace(ch.codePointAt(0) ?? 0)) {
          return false;
        }
      }
      return true;
    default:
      return false;
  }
}

type ParseContext = {
  parseName: string;
  text: string;
  lex: Lexer;
  treeSet: Map<string, TreeParser>;
  hasFunction: (name: string) => boolean;
};

class TreeParser {
  name: string;
  root: ListNode | null = null;
  private readonly ctx: ParseContext;
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(name: string, ctx: ParseContext) {
    this.name = name;
    this.ctx = ctx;
  }

  // ---- token stream ----

  private next(): Item {
    if (this.peekCount > 0) {
      this.peekCount--;
    } else {
      this.token[0] = this.ctx.lex.nextItem();
    }
    return this.token[this.peekCount] as Item;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) {
      return this.token[this.peekCount - 1] as Item;
    }
    this.peekCount = 1;
    this.token[0] = this.ctx.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do {
      token = this.next();
    } while (token.typ === I.Space);
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // ---- errors ----

  errorf(msg: string): never {
    this.root = null;
    const line = this.token[0]?.line ?? 0;
    const message = `template: ${this.ctx.parseName}:${line}: ${msg}`;
    throw new ParseAbort(
      new TemplateError(message, {
        kind: 'parse',
        templateName: this.ctx.parseName,
        line,
        reason: msg,
      }),
    );
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) {
      this.unexpected(token, context);
    }
    return token;
  }

  private expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) {
      this.unexpected(token, context);
    }
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === I.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.ctx.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) {
          extra = extra.slice(' in action'.length);
        }
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---- tree building ----

  add(): void {
    const tree = this.ctx.treeSet.get(this.name);
    if (!tree || tree.root === null || isEmptyTree(tree.root)) {
      this.ctx.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) {
      this.errorf(`template: multiple definition of template ${quote(this.name)}`);
    }
  }

  parse(): void {
    this.root = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== I.EOF) {
      if (this.peek().typ === I.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === I.Define) {
          const newT = new TreeParser('definition', this.ctx);
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') {
        this.errorf(`unexpected ${nodeString(n)}`);
      }
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(I.String, I.RawString, context);
    this.name = this.unquoteOrError(name.val);
    this.expect(I.RightDelim, context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== 'end') {
      this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    }
    this.add();
  }

  private unquoteOrError(s: string): string {
    try {
      return unquote(s);
    } catch (e) {
      if (e instanceof StrconvError) {
        this.errorf(e.message);
      }
      throw e;
    }
  }

  private itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== I.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') {
        return [list, n];
      }
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case I.Text:
        return { type: 'text', pos: token.pos, text: token.val };
      case I.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case I.Comment:
        return { type: 'comment', pos: token.pos, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case I.Block:
        return this.blockControl();
      case I.Break:
        return this.breakControl(token.pos, token.line);
      case I.Continue:
        return this.continueControl(token.pos, token.line);
      case I.Else:
        return this.elseControl();
      case I.End:
        return this.endControl();
      case I.If:
        return this.branch('if', true);
      case I.Range:
        return this.branch('range', false);
      case I.Template:
        return this.templateControl();
      case I.With:
        return this.branch('with', false);
    }
    this.backup();
    const t = this.peek();
    return {
      type: 'action',
      pos: t.pos,
      line: t.line,
      pipe: this.pipeline('command', I.RightDelim),
    };
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== I.RightDelim) {
      this.unexpected(token, '{{break}}');
    }
    if (this.rangeDepth === 0) {
      this.errorf('{{break}} outside {{range}}');
    }
    return { type: 'break', pos, line };
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== I.RightDelim) {
      this.unexpected(token, '{{continue}}');
    }
    if (this.rangeDepth === 0) {
      this.errorf('{{continue}} outside {{range}}');
    }
    return { type: 'continue', pos, line };
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'variable', pos, ident: ident.split('.') };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = {
      type: 'pipe',
      pos: token.pos,
      line: token.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== I.Variable) {
        break;
      }
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === I.Assign || next.typ === I.Declare) {
        pipe.isAssign = next.typ === I.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.typ === I.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().typ;
          if (t === I.Variable || t === I.RightDelim || t === I.RightParen) {
            continue decls;
          }
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.typ === I.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const tok = this.nextNonSpace();
      switch (tok.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case I.Bool:
        case I.CharConstant:
        case I.Complex:
        case I.Dot:
        case I.Field:
        case I.Identifier:
        case I.Number:
        case I.Nil:
        case I.RawString:
        case I.String:
        case I.Variable:
        case I.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(tok, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) {
      this.errorf(`missing value for ${context}`);
    }
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]?.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private branch(context: 'if' | 'range' | 'with', allowElseIf: boolean): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, I.RightDelim);
      if (context === 'range') {
        this.rangeDepth++;
      }
      const [list, next0] = this.itemList();
      let next: EndNode | ElseNode = next0;
      if (context === 'range') {
        this.rangeDepth--;
      }
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (allowElseIf && this.peek().typ === I.If) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.branch('if', true)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') {
            this.errorf(`expected end; found ${nodeString(next)}`);
          }
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private endControl(): Node {
    return { type: 'end', pos: this.expect(I.RightDelim, 'end').pos };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.typ === I.If) {
      return { type: 'else', pos: peek.pos, line: peek.line };
    }
    const token = this.expect(I.RightDelim, 'else');
    return { type: 'else', pos: token.pos, line: token.line };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, I.RightDelim);
    const block = new TreeParser(name, this.ctx);
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== 'end') {
      this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    }
    block.add();
    return {
      type: 'template',
      pos: token.pos,
      line: token.line,
      name,
      pipe,
    } satisfies TemplateNode;
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== I.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, I.RightDelim);
    }
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === I.String || token.typ === I.RawString) {
      return this.unquoteOrError(token.val);
    }
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) {
        cmd.args.push(operand);
      }
      const token = this.next();
      if (token.typ === I.Space) {
        continue;
      }
      if (token.typ === I.RightDelim || token.typ === I.RightParen) {
        this.backup();
      } else if (token.typ !== I.Pipe) {
        this.unexpected(token, 'operand');
      }
      break;
    }
    if (cmd.args.length === 0) {
      this.errorf('empty command');
    }
    return cmd;
  }

  private operand(): Node | null {
    let node = this.term();
    if (node === null) {
      return null;
    }
    if (this.peek().typ === I.Field) {
      const chainPos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().typ === I.Field) {
        fields.push(this.next().val.slice(1));
      }
      const chainText =
        (node.type === 'pipe' ? `(${nodeString(node)})` : nodeString(node)) +
        fields.map((f) => '.' + f).join('');
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos: chainPos, ident: chainText.slice(1).split('.') };
          break;
        case 'variable':
          node = this.newVariable(chainPos, chainText);
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
          break;
        default:
          node = { type: 'chain', pos: chainPos, node, field: fields };
      }
    }
    return node;
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case I.Identifier:
        if (!this.ctx.hasFunction(token.val)) {
          this.errorf(`function ${quote(token.val)} not defined`);
        }
        return { type: 'identifier', pos: token.pos, ident: token.val };
      case I.Dot:
        return { type: 'dot', pos: token.pos };
      case I.Nil:
        return { type: 'nil', pos: token.pos };
      case I.Variable:
        return this.useVar(token.pos, token.val);
      case I.Field:
        return { type: 'field', pos: token.pos, ident: token.val.slice(1).split('.') };
      case I.Bool:
        return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case I.CharConstant:
      case I.Complex:
      case I.Number:
        return this.newNumber(token.pos, token.val, token.typ);
      case I.LeftParen:
        return this.pipeline('parenthesized pipeline', I.RightParen);
      case I.String:
      case I.RawString:
        return {
          type: 'string',
          pos: token.pos,
          quoted: token.val,
          text: this.unquoteOrError(token.val),
        };
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): Node {
    const v = this.newVariable(pos, name);
    if (this.vars.includes(v.ident[0] ?? '')) {
      return v;
    }
    this.errorf(`undefined variable ${quote(v.ident[0] ?? '')}`);
  }

  private newNumber(pos: number, text: string, typ: ItemType): NumberNode {
    const n: NumberNode = {
      type: 'number',
      pos,
      isInt: false,
      isUint: false,
      isFloat: false,
      isComplex: false,
      int64: 0n,
      uint64: 0n,
      float64: 0,
      complex128: { re: 0, im: 0 },
      text,
    };
    if (typ === I.CharConstant) {
      let r: number;
      let tail: string;
      try {
        const res = unquoteChar(text.slice(1), text[0] ?? "'");
        r = res.value;
        tail = res.tail;
      } catch (e) {
        if (e instanceof StrconvError) {
          this.errorf(e.message);
        }
        throw e;
      }
      if (tail !== "'") {
        this.errorf(`malformed character constant: ${text}`);
      }
      n.int64 = BigInt(r);
      n.isInt = true;
      n.uint64 = BigInt(r);
      n.isUint = true;
      n.float64 = r;
      n.isFloat = true;
      return n;
    }
    if (typ === I.Complex) {
      const m = /^([+-]?[^+-]*(?:[eEpP][+-][^+-]*)?)([+-].*)i$/.exec(text);
      let re = Number.NaN;
      let im = Number.NaN;
      if (m) {
        try {
          re = parseFloat(m[1] ?? '');
          im = parseFloat(m[2] ?? '');
        } catch {
          re = Number.NaN;
        }
      }
      if (Number.isNaN(re) || Number.isNaN(im)) {
        this.errorf(`expected integer`);
      }
      n.isComplex = true;
      n.complex128 = { re, im };
      simplifyComplex(n);
      return n;
    }
    if (text.length > 0 && text[text.length - 1] === 'i') {
      try {
        const f = parseFloat(text.slice(0, -1));
        n.isComplex = true;
        n.complex128 = { re: 0, im: f };
        simplifyComplex(n);
        return n;
      } catch {
        // not an imaginary constant; fall through
      }
    }
    let u = 0n;
    try {
      u = parseUint(text, 0);
      n.isUint = true;
      n.uint64 = u;
    } catch {
      // not unsigned
    }
    try {
      const i = parseInt(text, 0);
      n.isInt = true;
      n.int64 = i;
      if (i === 0n) {
        n.isUint = true;
        n.uint64 = u;
      }
    } catch {
      // not signed
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = Number(n.int64);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = Number(n.uint64);
    } else {
      let f: number | null = null;
      try {
        f = parseFloat(text);
      } catch {
        f = null;
      }
      if (f !== null) {
        if (!/[.eEpP]/.test(text)) {
          this.errorf(`integer overflow: ${quote(text)}`);
        }
        n.isFloat = true;
        n.float64 = f;
        if (!n.isInt && Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
          n.isInt = true;
          n.int64 = BigInt(f);
        }
        if (!n.isUint && Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
          n.isUint = true;
          n.uint64 = BigInt(f);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) {
      this.errorf(`illegal number syntax: ${quote(text)}`);
    }
    return n;
  }
}

function simplifyComplex(n: NumberNode): void {
  n.isFloat = n.complex128.im === 0;
  if (n.isFloat) {
    const f = n.complex128.re;
    n.float64 = f;
    n.isInt = Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63;
    if (n.isInt) {
      n.int64 = BigInt(f);
    }
    n.isUint = Number.isInteger(f) && f >= 0 && f < 2 ** 64;
    if (n.isUint) {
      n.uint64 = BigInt(f);
    }
  }
}

/**
 * Parses `text` as Go's `template.New(name).Parse(text)` does.
 * Returns the set of trees by name (the main one under `name`).
 * @throws TemplateError (kind 'parse') with Go's message.
 */
export function parseTrees(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
): Map<string, Tree> {
  const lex = new Lexer(text, !hasFunction('break'), !hasFunction('continue'));
  const ctx: ParseContext = { parseName: name, text, lex, treeSet: new Map(), hasFunction };
  const t = new TreeParser(name, ctx);
  try {
    t.parse();
    t.add();
  } catch (e) {
    if (e instanceof ParseAbort) {
      throw e.error;
    }
    throw e;
  }
  const out = new Map<string, Tree>();
  for (const [k, p] of ctx.treeSet) {
    out.set(k, { name: k, root: p.root ?? { type: 'list', pos: 0, nodes: [] } });
  }
  return out;
}
