// The render budget: rendering a template is a sandbox. A template author must not be able to
// spend unbounded CPU (steps, wall-clock time), memory (output, intermediate strings, generated
// lists) or stack (template recursion). Every limit, when exceeded, throws a
// TemplateLimitError naming it.
//
// Execution is synchronous, so the budget of the render in progress is kept in a module-level
// slot (`activeBudget`) that the template functions (repeat, until, printf, …) consult.

/** The limits of one render. */
export type RenderLimits = {
  /** Evaluation steps (nodes walked, commands evaluated, range iterations). */
  maxSteps: number;
  /** Wall-clock time in milliseconds, checked every few steps. */
  timeoutMs: number;
  /** Length (UTF-16 code units) of the rendered output. */
  maxOutputLength: number;
  /** Length of lists produced by until/untilStep/seq and iterated by range; repeat count. */
  maxRange: number;
  /** Nesting depth of `template` calls. */
  maxDepth: number;
  /** Length (UTF-16 code units) of any intermediate string (repeat, printf, join, …). */
  maxStringLength: number;
};

/** The name of an exceeded limit. */
export type RenderLimitName = 'steps' | 'timeout' | 'output' | 'range' | 'depth' | 'string';

/** The defaults: far above what a legitimate cluster template needs. */
export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = Object.freeze({
  maxSteps: 1_000_000,
  timeoutMs: 2_000,
  maxOutputLength: 4 * 1024 * 1024,
  maxRange: 100_000,
  maxDepth: 1_000,
  maxStringLength: 4 * 1024 * 1024,
});

const LIMIT_TEXT: Record<RenderLimitName, string> = {
  steps: 'evaluation steps',
  timeout: 'render time (ms)',
  output: 'output length',
  range: 'list or repeat length',
  depth: 'template nesting depth',
  string: 'string length',
};

/** A render went over its budget. Not a template error: the template may be fine, but too big. */
export class TemplateLimitError extends Error {
  readonly limit: RenderLimitName;
  readonly max: number;

  constructor(limit: RenderLimitName, max: number) {
    super(`render limit exceeded: ${LIMIT_TEXT[limit]} over ${max}`);
    this.name = 'TemplateLimitError';
    this.limit = limit;
    this.max = max;
  }
}

/** How often (in steps) the wall clock is read. */
const CLOCK_EVERY = 256;

/**
 * The budget of one render. Several templates (the sections of one configuration) may share a
 * budget: steps and time are counted across all of them; output is per template.
 */
export class RenderBudget {
  readonly limits: Readonly<RenderLimits>;
  readonly deadline: number;
  private steps = 0;
  private sinceClock = 0;

  constructor(limits: Partial<RenderLimits> = {}, now: number = Date.now()) {
    const merged: RenderLimits = { ...DEFAULT_RENDER_LIMITS };
    for (const key of Object.keys(limits) as (keyof RenderLimits)[]) {
      const v = limits[key];
      if (v !== undefined) {
        if (!(v > 0)) {
          throw new RangeError(`render limit ${key} must be positive`);
        }
        merged[key] = v;
      }
    }
    this.limits = Object.freeze(merged);
    this.deadline = now + merged.timeoutMs;
  }

  /** Steps spent so far. */
  get used(): number {
    return this.steps;
  }

  /** Counts `n` steps; checks the step limit, and the clock every {@link CLOCK_EVERY} steps. */
  step(n = 1): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) {
      throw new TemplateLimitError('steps', this.limits.maxSteps);
    }
    this.sinceClock += n;
    if (this.sinceClock >= CLOCK_EVERY) {
      this.sinceClock = 0;
      this.checkClock();
    }
  }

  /** Throws when the deadline has passed. */
  checkClock(): void {
    if (Date.now() > this.deadline) {
      throw new TemplateLimitError('timeout', this.limits.timeoutMs);
    }
  }

  /** Refuses a list (or repeat count) longer than maxRange. */
  checkRange(n: number): void {
    if (n > this.limits.maxRange) {
      throw new TemplateLimitError('range', this.limits.maxRange);
    }
  }

  /** Refuses a string longer than maxStringLength. */
  checkString(length: number): void {
    if (length > this.limits.maxStringLength) {
      throw new TemplateLimitError('string', this.limits.maxStringLength);
    }
  }

  /** Refuses output longer than maxOutputLength. */
  checkOutput(length: number): void {
    if (length > this.limits.maxOutputLength) {
      throw new TemplateLimitError('output', this.limits.maxOutputLength);
    }
  }

  /** Refuses `template` nesting at or over maxDepth. */
  checkDepth(depth: number): void {
    if (depth >= this.limits.maxDepth) {
      throw new TemplateLimitError('depth', this.limits.maxDepth);
    }
  }
}

let activeBudget: RenderBudget | null = null;

/** The budget of the render in progress (null outside a render). */
export function currentBudget(): RenderBudget | null {
  return activeBudget;
}

/** Runs `fn` with `budget` as the active budget (restoring the previous one afterwards). */
export function withBudget<T>(budget: RenderBudget, fn: () => T): T {
  const previous = activeBudget;
  activeBudget = budget;
  try {
    return fn();
  } finally {
    activeBudget = previous;
  }
}

/** Checks a list length against the active budget, if any. */
export function checkRange(n: number): void {
  activeBudget?.checkRange(n);
}

/** Checks a string length against the active budget, if any. */
export function checkString(length: number): void {
  activeBudget?.checkString(length);
}
