import type { Logger } from '@commander/core';
import pino from 'pino';

/** JSON logs on stdout (pino), with secrets redacted by path. */
export function createLogger(level: string, replicaId: string): Logger & pino.Logger {
  return pino({
    level,
    base: { component: 'cluster-manager', replica: replicaId },
    redact: ['*.state', '*.privateKey', '*.sshPrivateKey', '*.password', '*.token'],
  });
}
