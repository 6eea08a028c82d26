import { type Logger, logRedactPaths } from '@commander/core';
import { Logger as GraphileLogger } from 'graphile-worker';
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

/**
 * graphile-worker's messages in our JSON log. graphile attaches whole pg clients to some
 * errors: the message is kept, the rest dropped; of a job (every "Completed task" line carries
 * the whole row) only its id, task and attempt. A job's success ("Completed task …", one line
 * per operation, heartbeat and webhook delivery) is logged at `debug`, not `info`: at fleet
 * size it was a stdout write per job (16.7 checks/s for 10,000 clusters) that nobody reads;
 * the operation's own row and log keep what happened, and failures stay at `warn`/`error`.
 */
export function graphileLogBridge(log: pino.Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const { error, job, ...rest } = (meta ?? {}) as {
      error?: unknown;
      job?: { id?: unknown; task_identifier?: unknown; attempts?: unknown };
    };
    if (job) {
      (rest as Record<string, unknown>).job = {
        id: job.id,
        task: job.task_identifier,
        attempt: job.attempts,
      };
    }
    const text =
      error instanceof Error
        ? error.message
        : typeof (error as { message?: unknown } | undefined)?.message === 'string'
          ? (error as { message: string }).message
          : undefined;
    const severity = String(level);
    const routine = severity === 'info' && message.startsWith('Completed task ');
    if (routine && !log.isLevelEnabled('debug')) {
      return;
    }
    const line = { ...scope, ...rest, ...(text ? { error: text } : {}), source: 'graphile-worker' };
    if (severity === 'error') {
      log.error(line, message);
    } else if (severity === 'warning') {
      log.warn(line, message);
    } else if (severity === 'info' && !routine) {
      log.info(line, message);
    } else {
      log.debug(line, message);
    }
  });
}
