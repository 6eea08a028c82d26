// Parse-tree nodes of Go's text/template/parse, with Go's String() rendering (used verbatim in
// execution error messages: `at <.foo | upper>`).

import { quote } from './go/strconv.js';
import type { Complex } from './go/types.js';

/** A sequence of nodes. */
export type ListNode = { type: 'list'; pos: number; nodes: Node[] };
/** Plain text. */
export type TextNode = { type: 'text'; pos: number; text: string };
/** A comment (only kept when parsing comments; never here). */
export type CommentNode = { type: 'comment'; pos: number; text: string };
/** A pipeline with optional declarations. */
export type PipeNode = {
  type: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
};
/** A non-control action such as `{{.x}}`. */
export type ActionNode = { type: 'action'; pos: number; line: number; pipe: PipeNode };
/** One command of a pipeline. */
export type CommandNode = { type: 'command'; pos: number; args: Node[] };
/** A function name. */
export type IdentifierNode = { type: 'identifier'; pos: number; ident: string };
/** `$x.a.b`: the variable name then fields. */
export type VariableNode = { type: 'variable'; pos: number; ident: string[] };
/** `.` */
export type DotNode = { type: 'dot'; pos: number };
/** `nil` */
export type NilNode = { type: 'nil'; pos: number };
/** `.a.b` */
export type FieldNode = { type: 'field'; pos: number; ident: string[] };
/** `(pipe).a.b` */
export type ChainNode = { type: 'chain'; pos: number; node: Node; field: string[] };
/** `true` / `false` */
export type BoolNode = { type: 'bool'; pos: number; value: boolean };
/** A numeric constant, stored under every Go type that can represent it. */
export type NumberNode = {
  type: 'number';
  pos: number;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex128: Complex;
  text: string;
};
/** A string constant (`quoted` is the source text). */
export type StringNode = { type: 'string'; pos: number; quoted: string; text: string };
/** `{{end}}` (not kept in the tree). */
export type EndNode = { type: 'end'; pos: number };
/** `{{else}}` (not kept in the tree). */
export type ElseNode = { type: 'else'; pos: number; line: number };
/** if / range / with. */
export type BranchNode = {
  type: 'if' | 'range' | 'with';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
};
/** `{{break}}` */
export type BreakNode = { type: 'break'; pos: number; line: number };
/** `{{continue}}` */
export type ContinueNode = { type: 'continue'; pos: number; line: number };
/** `{{template "name" pipe}}` */
export type TemplateNode = {
  type: 'template';
  pos: number;
  line: number;
  name: string;
  pipe: PipeNode | null;
};

/** Any parse-tree node. */
export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | EndNode
  | ElseNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode;

/** Go's Node.String(). */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'comment':
      return `{{${n.text}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s += n.decl.map(nodeString).join(', ') + ' := ';
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'command':
      return n.args
        .map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a)))
        .join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((id) => '.' + id).join('');
    case 'chain': {
      const head = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => '.' + f).join('');
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) {
        s += `{{else}}${nodeString(n.elseList)}`;
      }
      return s + '{{end}}';
    }
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template': {
      let s = `{{template ${quote(n.name)}`;
      if (n.pipe) {
        s += ' ' + nodeString(n.pipe);
      }
      return s + '}}';
    }
  }
}
