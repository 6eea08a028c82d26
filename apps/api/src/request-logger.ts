import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, Logger } from 'pino';

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that becomes pino's child (with the request id) the first time something
 * is logged through it. Fastify makes a child per request; pino's `child()` serializes the
 * bindings through the redaction pass, which was ~3 % of the API's CPU on the hot reads, where
 * nothing is ever logged through the request's logger (the request line has its own logger).
 * Levels below the parent's (or the route's) level never build the child.
 */
export class LazyRequestLogger {
  #parent: Logger;
  #bindings: Bindings;
  #options: ChildLoggerOptions;
  #child: Logger | null = null;

  constructor(parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): Logger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  #enabled(level: LogMethod): boolean {
    if (this.#child !== null || this.#options.level !== undefined) {
      return true; // the child decides (a route's own level may be lower than the parent's)
    }
    return this.#parent.isLevelEnabled(level);
  }

  #log(level: LogMethod, args: unknown[]): void {
    if (this.#enabled(level)) {
      const real = this.#real();
      real[level](...(args as [unknown, string | undefined, ...unknown[]]));
    }
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.#child?.isLevelEnabled(level) ?? this.#real().isLevelEnabled(level);
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.#real().child(bindings, options);
  }

  bindings(): Bindings {
    return this.#real().bindings();
  }
}

/** Fastify's `childLoggerFactory`: a {@link LazyRequestLogger} per request. */
export function lazyChildLoggerFactory(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  // Fastify's logger is pino's (app.ts configures it).
  return new LazyRequestLogger(logger as Logger, bindings, options);
}
