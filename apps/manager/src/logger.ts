import { type Logger, logRedactPaths } from '@commander/core';
import pino from 'pino';

/**
 * JSON logs on stdout (pino), with secret-bearing fields (`password`, `privateKey`, `token`,
 * `authorization`, dhctl `state`, …: `SECRET_LOG_FIELDS`) censored by path.
 */
export function createLogger(
  level: string,
  replicaId: string,
  destination?: pino.DestinationStream,
): Logger & pino.Logger {
  return pino(
    {
      level,
      base: { component: 'cluster-manager', replica: replicaId },
      redact: { paths: logRedactPaths(), censor: '[REDACTED]' },
    },
    destination,
  );
}
