import { toDisplayString } from './go/utf8.js';

/** Whether a template failed to parse or failed while executing. */
export type TemplateErrorKind = 'parse' | 'exec';

/** Structured details of a {@link TemplateError}. */
export type TemplateErrorDetails = {
  kind: TemplateErrorKind;
  /** The template name given to parse/render (Go's ParseName). */
  templateName: string;
  /** 1-based line of the failure, when Go reports one. */
  line?: number;
  /** 0-based UTF-8 byte column within the line (Go's convention), for execution errors. */
  column?: number;
  /** For execution errors: the name of the template being executed (a `define` name or the main one). */
  executing?: string;
  /** For execution errors: the node text Go shows between `<` and `>`. */
  context?: string;
  /** The failure without the `template: NAME:LINE:COL: executing … at <…>: ` prefix. */
  reason: string;
};

/**
 * A template parse or execution failure. `message` is Go's error text (e.g.
 * `template: kubernetes:3:14: executing "kubernetes" at <.foo>: map has no entry for key "foo"`
 * or `template: kubernetes:3: function "toYaml" not defined`).
 */
export class TemplateError extends Error {
  readonly kind: TemplateErrorKind;
  readonly templateName: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly executing: string | undefined;
  readonly context: string | undefined;
  readonly reason: string;

  constructor(message: string, details: TemplateErrorDetails) {
    // Bytes that are not UTF-8 show as U+FFFD, as in the oracle's (JSON) output.
    super(toDisplayString(message));
    this.name = 'TemplateError';
    this.kind = details.kind;
    this.templateName = details.templateName;
    this.line = details.line;
    this.column = details.column;
    this.executing = details.executing;
    this.context = details.context === undefined ? undefined : toDisplayString(details.context);
    this.reason = toDisplayString(details.reason);
  }
}
