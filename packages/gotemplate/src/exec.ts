// A port of Go's text/template executor (exec.go, Go 1.19) over the engine's value model,
// with Option("missingkey=default").

import { type RenderBudget, TemplateLimitError, withBudget } from './budget.js';
import { TemplateError } from './errors.js';
import { type FuncDef, GoError, GoPanic } from './funcs.js';
import { formatReflectValue, sortedKeys, sprint } from './go/fmt.js';
import { quote } from './go/strconv.js';
import {
  assignableTo,
  BOOL,
  canBeNilKind,
  COMPLEX128,
  FLOAT64,
  type GoMethod,
  type GoType,
  type GoValue,
  IFACE,
  indexValue,
  indirectInterface,
  INT,
  INT64,
  isComplexKind,
  isFloatKind,
  isIntKind,
  isUintKind,
  lenOf,
  REFLECT_VALUE,
  STRING,
  type Val,
  val,
  zeroOf,
} from './go/types.js';
import { byteLength } from './go/utf8.js';
import {
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  nodeString,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './node.js';
import type { Tree } from './parse.js';

/** The sentinel for "no final pipeline argument" (Go's missingVal). */
const MISSING: GoValue = { t: { kind: 'struct', name: 'template.missingValType' }, v: null };

/** Go's maxExecDepth, as reported in the error text. */
const MAX_EXEC_DEPTH_TEXT = 100000;
/** The depth at which this engine stops (JavaScript stacks are smaller than Go's). */
const MAX_EXEC_DEPTH = 1000;

/** Everything execution needs from a parsed template. */
export type ExecTemplateSet = {
  parseName: string;
  text: string;
  trees: Map<string, Tree>;
  funcs: Map<string, FuncDef>;
  builtins: Map<string, FuncDef>;
};

type Variable = { name: string; value: Val };

// Sentinels thrown to unwind {{break}} / {{continue}} (Go panics with walkBreak/walkContinue).
const walkBreak = new Error('break');
const walkContinue = new Error('continue');

/** Go's isTrue. Returns [truth, ok]. */
export function isTrue(v: Val): [boolean, boolean] {
  if (v === null) {
    return [false, true];
  }
  const k = v.t.kind;
  switch (k) {
    case 'array':
    case 'map':
    case 'slice':
    case 'string':
      return [lenOf(v) > 0, true];
    case 'bool':
      return [v.v as boolean, true];
    case 'chan':
    case 'func':
    case 'ptr':
    case 'interface':
      return [v.v !== null, true];
    case 'struct':
      return [true, true];
  }
  if (isIntKind(k) || isUintKind(k)) {
    return [(v.v as bigint) !== 0n, true];
  }
  if (isFloatKind(k)) {
    return [(v.v as number) !== 0, true];
  }
  if (isComplexKind(k)) {
    const c = v.v as { re: number; im: number };
    return [c.re !== 0 || c.im !== 0, true];
  }
  return [false, false];
}

/** Go's `truth` helper of the builtins. */
export function truth(v: Val): boolean {
  return isTrue(indirectInterface(v))[0];
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

/** Go's MethodByName over the engine's method tables, honouring pointer receivers. */
function findMethod(receiver: GoValue, viaPtr: GoType | null, name: string): GoMethod | undefined {
  if (viaPtr?.methods) {
    return viaPtr.methods.get(name);
  }
  return receiver.t.methods?.get(name);
}

/** Execution state (Go's `state`). */
class State {
  readonly set: ExecTemplateSet;
  name: string;
  node: Node | null = null;
  vars: Variable[];
  depth: number;
  out: { s: string };
  readonly budget: RenderBudget;

  constructor(
    set: ExecTemplateSet,
    name: string,
    vars: Variable[],
    depth: number,
    out: { s: string },
    budget: RenderBudget,
  ) {
    this.set = set;
    this.name = name;
    this.vars = vars;
    this.depth = depth;
    this.out = out;
    this.budget = budget;
  }

  /** Appends to the output, within the output limit. */
  emit(s: string): void {
    const out = this.out;
    out.s += s;
    if (out.s.length > this.budget.limits.maxOutputLength) {
      this.budget.checkOutput(out.s.length);
    }
  }

  // ---- variables ----

  push(name: string, value: Val): void {
    this.vars.push({ name, value });
  }

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    if (this.vars.length > mark) {
      this.vars.length = mark;
    }
  }

  setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: Val): void {
    const v = this.vars[this.vars.length - n];
    if (v) {
      v.value = value;
    }
  }

  varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) {
        return v.value;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  at(node: Node): void {
    this.node = node;
  }

  errorf(msg: string): never {
    const parseName = this.set.parseName;
    if (this.node === null) {
      throw new TemplateError(`template: ${this.name}: ${msg}`, {
        kind: 'exec',
        templateName: parseName,
        executing: this.name,
        reason: msg,
      });
    }
    const pos = this.node.pos;
    const text = this.set.text.slice(0, pos);
    const nl = text.lastIndexOf('\n');
    const column = nl === -1 ? byteLength(text) : byteLength(text.slice(nl + 1));
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      line++;
    }
    const context = nodeString(this.node);
    const message = `template: ${parseName}:${line}:${column}: executing ${quote(this.name)} at <${context}>: ${msg}`;
    throw new TemplateError(message, {
      kind: 'exec',
      templateName: parseName,
      line,
      column,
      executing: this.name,
      context,
      reason: msg,
    });
  }

  // ---- walking ----

  walk(dot: Val, node: Node): void {
    this.node = node;
    this.budget.step();
    // The two most frequent nodes first (avoids walking the whole switch).
    const type = node.type;
    if (type === 'text') {
      this.emit(node.text);
      return;
    }
    if (type === 'action') {
      const v = this.evalPipeline(dot, node.pipe);
      if (node.pipe.decl.length === 0) {
        this.printValue(node, v);
      }
      return;
    }
    switch (node.type) {
      case 'break':
        throw walkBreak;
      case 'comment':
        return;
      case 'continue':
        throw walkContinue;
      case 'if':
      case 'with':
        this.walkIfOrWith(node.type, dot, node.pipe, node.list, node.elseList);
        return;
      case 'list':
        for (const n of node.nodes) {
          this.walk(dot, n);
        }
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkIfOrWith(
    typ: 'if' | 'with',
    dot: Val,
    pipe: PipeNode,
    list: ListNode,
    elseList: ListNode | null,
  ): void {
    const mark = this.mark();
    try {
      const v = this.evalPipeline(dot, pipe);
      const [t, ok] = isTrue(indirectInterface(v));
      if (!ok) {
        this.errorf(`if/with can't use ${formatReflectValue(v)}`);
      }
      if (t) {
        this.walk(typ === 'with' ? v : dot, list);
      } else if (elseList !== null) {
        this.walk(dot, elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  walkRange(dot: Val, r: BranchNode): void {
    this.at(r);
    const outerMark = this.mark();
    try {
      let v = this.evalPipeline(dot, r.pipe);
      // indirect: the value is concrete after evalPipeline; follow pointers/interfaces anyway.
      while (v !== null && (v.t.kind === 'interface' || v.t.kind === 'ptr') && v.v !== null) {
        v = v.t.kind === 'interface' ? (v.v as Val) : val(v.t.elem ?? IFACE, v.v);
      }
      const mark = this.mark();
      let iterated = false;
      if (v === null) {
        // An invalid value acts like an empty map.
      } else if (v.t.kind === 'slice' || v.t.kind === 'array') {
        const n = lenOf(v);
        this.budget.checkRange(n);
        if (n > 0) {
          for (let i = 0; i < n; i++) {
            this.rangeIteration(r, mark, val(INT, BigInt(i)), indexValue(v, i));
          }
          iterated = true;
        }
      } else if (v.t.kind === 'map') {
        const m = v.v as Map<string, unknown> | null;
        if (m !== null) {
          this.budget.checkRange(m.size);
        }
        if (m !== null && m.size > 0) {
          const keyType = v.t.key ?? STRING;
          const elemType = v.t.elem ?? IFACE;
          for (const k of sortedKeys(m)) {
            this.rangeIteration(r, mark, val(keyType, k), val(elemType, m.get(k)));
          }
          iterated = true;
        }
      } else {
        this.errorf(`range can't iterate over ${formatReflectValue(v)}`);
      }
      if (!iterated && r.elseList !== null) {
        this.walk(dot, r.elseList);
      }
    } catch (e) {
      if (e !== walkBreak) {
        throw e;
      }
    } finally {
      this.pop(outerMark);
    }
  }

  /** One iteration of a range body (Go's oneIteration closure). */
  rangeIteration(r: BranchNode, mark: number, index: Val, elem: Val): void {
    this.budget.step();
    const declCount = r.pipe.decl.length;
    if (declCount > 0) {
      this.setTopVar(1, elem);
    }
    if (declCount > 1) {
      this.setTopVar(2, index);
    }
    try {
      this.walk(elem, r.list);
    } catch (e) {
      if (e !== walkContinue) {
        throw e;
      }
    } finally {
      this.pop(mark);
    }
  }

  walkTemplate(dot: Val, t: TemplateNode): void {
    this.at(t);
    const tree = this.set.trees.get(t.name);
    if (!tree) {
      this.errorf(`template ${quote(t.name)} not defined`);
    }
    this.budget.checkDepth(this.depth);
    if (this.depth >= MAX_EXEC_DEPTH) {
      this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH_TEXT})`);
    }
    const newDot = this.evalPipeline(dot, t.pipe);
    const ns = new State(
      this.set,
      tree.name,
      [{ name: '$', value: newDot }],
      this.depth + 1,
      this.out,
      this.budget,
    );
    ns.node = this.node;
    ns.walk(newDot, tree.root);
  }

  // ---- evaluation ----

  evalPipeline(dot: Val, pipe: PipeNode | null): Val {
    if (pipe === null) {
      return null;
    }
    this.at(pipe);
    let value: Val = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value !== null && value.t.kind === 'interface') {
        value = value.v as Val;
      }
    }
    for (const variable of pipe.decl) {
      const name = variable.ident[0] ?? '';
      if (pipe.isAssign) {
        this.setVar(name, value);
      } else {
        this.push(name, value);
      }
    }
    return value;
  }

  notAFunction(args: Node[], final: Val): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as Node)}`);
    }
  }

  evalCommand(dot: Val, cmd: CommandNode, final: Val): Val {
    this.budget.step();
    const firstWord = cmd.args[0] as Node;
    switch (firstWord.type) {
      case 'field':
        return this.evalFieldNode(dot, firstWord, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, firstWord, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, firstWord, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case 'variable':
        return this.evalVariableNode(dot, firstWord, cmd.args, final);
    }
    this.at(firstWord);
    this.notAFunction(cmd.args, final);
    switch (firstWord.type) {
      case 'bool':
        return val(BOOL, firstWord.value);
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(firstWord);
      case 'string':
        return val(STRING, firstWord.text);
    }
    this.errorf(`can't evaluate command ${quote(nodeString(firstWord))}`);
  }

  idealConstant(c: NumberNode): Val {
    this.at(c);
    if (c.isComplex) {
      return val(COMPLEX128, c.complex128);
    }
    if (c.isFloat && !isHexInt(c.text) && c.text[0] !== "'" && /[.eEpP]/.test(c.text)) {
      return val(FLOAT64, c.float64);
    }
    if (c.isInt) {
      return val(INT, c.int64);
    }
    if (c.isUint) {
      this.errorf(`${c.text} overflows int`);
    }
    return null;
  }

  evalFieldNode(dot: Val, field: FieldNode, args: Node[] | null, final: Val): Val {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, 0, args, final);
  }

  evalChainNode(dot: Val, chain: ChainNode, args: Node[] | null, final: Val): Val {
    this.at(chain);
    if (chain.field.length === 0) {
      this.errorf('internal error: no fields in evalChainNode');
    }
    if (chain.node.type === 'nil') {
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    }
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, 0, args, final);
  }

  evalVariableNode(dot: Val, variable: VariableNode, args: Node[] | null, final: Val): Val {
    this.at(variable);
    const value = this.varValue(variable.ident[0] ?? '');
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [], final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident, 1, args, final);
  }

  evalFieldChain(
    dot: Val,
    receiver: Val,
    node: Node,
    ident: string[],
    from: number,
    args: Node[] | null,
    final: Val,
  ): Val {
    const n = ident.length;
    for (let i = from; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i] ?? '', node, null, MISSING, receiver);
    }
    return this.evalField(dot, ident[n - 1] ?? '', node, args, final, receiver);
  }

  evalFunction(dot: Val, node: IdentifierNode, cmd: Node, args: Node[] | null, final: Val): Val {
    this.at(node);
    const name = node.ident;
    const fn = this.set.funcs.get(name);
    if (fn) {
      return this.evalCall(dot, fn, false, cmd, name, args, final);
    }
    const b = this.set.builtins.get(name);
    if (b) {
      return this.evalCall(dot, b, true, cmd, name, args, final);
    }
    this.errorf(`${quote(name)} is not a defined function`);
  }

  evalField(
    dot: Val,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Val,
    receiver: Val,
  ): Val {
    if (receiver === null) {
      return null;
    }
    const typ = receiver.t;
    let r: GoValue = receiver;
    let viaPtr: GoType | null = null;
    let isNil = false;
    while (r.t.kind === 'ptr' || r.t.kind === 'interface') {
      if (r.v === null) {
        isNil = true;
        break;
      }
      if (r.t.kind === 'ptr') {
        viaPtr = r.t;
        r = val(r.t.elem ?? IFACE, r.v);
      } else {
        viaPtr = null;
        r = r.v as GoValue;
      }
    }
    if (r.t.kind === 'interface' && isNil) {
      this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`);
    }
    if (!isNil) {
      const method = findMethod(r, viaPtr ?? (r.t.kind === 'ptr' ? r.t : null), fieldName);
      if (method) {
        const recv = r;
        const fn: FuncDef = {
          params: method.params,
          variadic: method.variadic,
          result: method.result,
          hasError: method.hasError,
          impl: (a) => method.call(recv, a),
        };
        return this.evalCall(dot, fn, false, node, fieldName, args, final);
      }
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    switch (r.t.kind) {
      case 'map': {
        if (r.t.key === STRING) {
          if (hasArgs) {
            this.errorf(`${fieldName} is not a method but has arguments`);
          }
          const m = r.v as Map<string, unknown> | null;
          if (m === null || !m.has(fieldName)) {
            return null;
          }
          return val(r.t.elem ?? IFACE, m.get(fieldName));
        }
        break;
      }
      case 'ptr':
        if (isNil && r.t.elem?.kind !== 'struct') {
          this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`);
        }
        break;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ.name}`);
  }

  evalCall(
    dot: Val,
    fn: FuncDef,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args0: Node[] | null,
    final: Val,
  ): Val {
    // args0[0] is the function's own node (as in Go); arguments start at 1.
    const nargs = args0 === null ? 0 : args0.length - 1;
    const params = fn.params;
    const numParams = params.length;
    let numIn = nargs;
    if (final !== MISSING) {
      numIn++;
    }
    let numFixed = nargs;
    if (fn.variadic) {
      numFixed = numParams - 1;
      if (numIn < numFixed) {
        this.errorf(
          `wrong number of args for ${name}: want at least ${numParams - 1} got ${nargs}`,
        );
      }
    } else if (numIn !== numParams) {
      this.errorf(`wrong number of args for ${name}: want ${numParams} got ${numIn}`);
    }

    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: Val = null;
      for (let k = 1; k <= nargs; k++) {
        v = this.evalArg(dot, REFLECT_VALUE, (args0 as Node[])[k] as Node);
        if (truth(v) === (name === 'or')) {
          return v;
        }
      }
      if (final !== MISSING) {
        v = this.validateType(final, REFLECT_VALUE);
      }
      return v;
    }

    // Interface parameters see the concrete value (or nil), as a Go function body does.
    const argv: Val[] = new Array<Val>(numIn);
    let i = 0;
    for (; i < numFixed && i < nargs; i++) {
      const pt = params[i] ?? IFACE;
      const v = this.evalArg(dot, pt, (args0 as Node[])[i + 1] as Node);
      argv[i] = pt === IFACE ? indirectInterface(v) : v;
    }
    if (fn.variadic) {
      const elemType = params[numParams - 1] ?? IFACE;
      for (; i < nargs; i++) {
        const v = this.evalArg(dot, elemType, (args0 as Node[])[i + 1] as Node);
        argv[i] = elemType === IFACE ? indirectInterface(v) : v;
      }
    }
    if (final !== MISSING) {
      let t = params[numParams - 1] ?? IFACE;
      if (fn.variadic && numIn - 1 < numFixed) {
        t = params[numIn - 1] ?? IFACE;
      }
      const v = this.validateType(final, t);
      argv[i] = t === IFACE ? indirectInterface(v) : v;
    }
    let result: Val;
    try {
      result = fn.impl(argv);
    } catch (e) {
      if (e instanceof TemplateError || e instanceof TemplateLimitError) {
        throw e;
      }
      this.at(node);
      const msg = e instanceof GoError || e instanceof GoPanic ? e.message : errorText(e);
      this.errorf(`error calling ${name}: ${msg}`);
    }
    if (result !== null && typeof result.v === 'string') {
      this.budget.checkString(result.v.length);
    }
    if (fn.result === IFACE) {
      return val(IFACE, result);
    }
    return result;
  }

  validateType(value: Val, typ: GoType | null): Val {
    if (value === null) {
      if (typ === null) {
        return null;
      }
      if (typ === REFLECT_VALUE) {
        return null;
      }
      if (canBeNilKind(typ)) {
        return zeroOf(typ);
      }
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (typ === REFLECT_VALUE) {
      return value;
    }
    if (typ !== null && !assignableTo(value.t, typ)) {
      if (value.t.kind === 'interface' && value.v !== null) {
        const inner = value.v as GoValue;
        if (assignableTo(inner.t, typ)) {
          return inner;
        }
        value = inner;
      }
      if (value.t.kind === 'ptr' && value.t.elem && assignableTo(value.t.elem, typ)) {
        if (value.v === null) {
          this.errorf(`dereference of nil pointer of type ${typ.name}`);
        }
        return val(value.t.elem, value.v);
      }
      this.errorf(`wrong type for value; expected ${typ.name}; got ${value.t.name}`);
    }
    return value;
  }

  evalArg(dot: Val, typ: GoType | null, n: Node): Val {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === REFLECT_VALUE) {
          return null;
        }
        if (typ !== null && canBeNilKind(typ)) {
          return zeroOf(typ);
        }
        this.errorf(`cannot assign nil to ${typ?.name ?? '<nil>'}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    if (typ === null) {
      this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`);
    }
    const k = typ.kind;
    if (k === 'bool') {
      this.at(n);
      if (n.type === 'bool') {
        return val(typ, n.value);
      }
      this.errorf(`expected bool; found ${nodeString(n)}`);
    }
    if (isComplexKind(k)) {
      if (n.type === 'number' && n.isComplex) {
        return val(typ, n.complex128);
      }
      this.errorf(`expected complex; found ${nodeString(n)}`);
    }
    if (isFloatKind(k)) {
      this.at(n);
      if (n.type === 'number' && n.isFloat) {
        return val(typ, n.float64);
      }
      this.errorf(`expected float; found ${nodeString(n)}`);
    }
    if (isIntKind(k)) {
      this.at(n);
      if (n.type === 'number' && n.isInt) {
        return val(typ, n.int64);
      }
      this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    if (k === 'interface' && typ === IFACE) {
      return this.evalEmptyInterface(dot, n);
    }
    if (typ === REFLECT_VALUE) {
      return this.evalEmptyInterface(dot, n);
    }
    if (k === 'string') {
      this.at(n);
      if (n.type === 'string') {
        return val(typ, n.text);
      }
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    if (isUintKind(k)) {
      this.at(n);
      if (n.type === 'number' && n.isUint) {
        return val(typ, n.uint64);
      }
      this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ.name}`);
  }

  evalEmptyInterface(dot: Val, n: Node): Val {
    this.at(n);
    switch (n.type) {
      case 'bool':
        return val(BOOL, n.value);
      case 'dot':
        return dot;
      case 'field':
        return this.evalFieldNode(dot, n, null, MISSING);
      case 'identifier':
        return this.evalFunction(dot, n, n, null, MISSING);
      case 'nil':
        this.errorf("evalEmptyInterface: nil (can't happen)");
        break;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return val(STRING, n.text);
      case 'variable':
        return this.evalVariableNode(dot, n, null, MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  printValue(n: Node, v: Val): void {
    this.at(n);
    let x = v;
    while (x !== null && x.t.kind === 'ptr' && x.v !== null) {
      x = val(x.t.elem ?? IFACE, x.v);
    }
    if (x === null) {
      this.emit('<no value>');
      return;
    }
    if (x.t.kind === 'interface') {
      x = x.v as Val;
    }
    if (x !== null) {
      const t = x.t;
      if (t === STRING) {
        this.emit(x.v as string);
        return;
      }
      if (t === INT || t === INT64) {
        this.emit((x.v as bigint).toString());
        return;
      }
      if (t === FLOAT64) {
        const f = x.v as number;
        // %v of a float64 is %g: plain digits below 1e21 only while the exponent is < 6.
        if (Number.isInteger(f) && f > -1e6 && f < 1e6 && !Object.is(f, -0)) {
          this.emit(String(f));
          return;
        }
      }
    }
    this.emit(sprint([x]));
  }
}

function errorText(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return 'runtime: goroutine stack exceeds 1000000000-byte limit';
  }
  return e instanceof Error ? e.message : String(e);
}

/** Executes the tree `name` of `set` with `data` as dot. Returns the output. */
export function execute(
  set: ExecTemplateSet,
  name: string,
  data: Val,
  budget: RenderBudget,
): string {
  const out = { s: '' };
  const tree = set.trees.get(name);
  const state = new State(set, name, [{ name: '$', value: data }], 0, out, budget);
  if (!tree) {
    return state.errorf(`${quote(name)} is an incomplete or empty template`);
  }
  withBudget(budget, () => state.walk(data, tree.root));
  return out.s;
}
