// Structured logs: pino in the process, any object with these methods in tests.
import pino from 'pino';

/** The logging methods the agent uses (a subset of pino's). */
export type Logger = {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
};

/** JSON logs on stdout with the agent key redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { component: 'commander-agent' },
    redact: ['token', '*.token', 'authorization', '*.authorization'],
  });
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
