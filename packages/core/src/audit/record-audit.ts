import type { Prisma, Tx } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { redactSecrets } from './redact.js';

/** create, update, delete, approve, login, logout, revoke, move, … */
export type AuditAction = string;

export type AuditInput = {
  action: AuditAction;
  auditableType: string;
  auditableId: string;
  /** create: the new values; update: `{field: [old, new]}`; secrets are redacted here again. */
  changes?: Record<string, unknown>;
  /** Overrides ctx.workspace (e.g. creating a workspace, or a global call about one). */
  workspace?: { id: string; slug: string } | null;
};

/**
 * Records an audit event inside the caller's transaction and prints it as one JSON line tagged
 * ["audit"] (Commander's format, for log shippers). The line is printed when the row is written;
 * a rolled-back transaction may therefore leave a printed line without a row, never the reverse.
 */
export async function recordAudit(tx: Tx, ctx: ServiceContext, input: AuditInput): Promise<void> {
  const row = auditRow(ctx, input);
  const event = await tx.auditEvent.create({
    data: { ...row, changes: row.changes as Prisma.InputJsonValue },
  });
  printAudit(ctx, input, row.changes, event.ts);
}

/** The columns of an audit event (its changes redacted), for a caller that writes it itself. */
export function auditRow(ctx: ServiceContext, input: AuditInput) {
  const workspace = input.workspace === undefined ? ctx.workspace : input.workspace;
  return {
    workspaceId: workspace?.id ?? null,
    workspaceSlug: workspace?.slug ?? null,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: input.action,
    auditableType: input.auditableType,
    auditableId: input.auditableId,
    changes: redactSecrets(input.changes ?? {}),
    remoteAddress: ctx.remoteAddress ?? null,
    requestId: ctx.requestId ?? null,
  };
}

/** Prints an audit event written at `ts` as its JSON line (tagged ["audit"]). */
export function printAudit(
  ctx: ServiceContext,
  input: AuditInput,
  changes: unknown,
  ts: Date,
): void {
  const workspace = input.workspace === undefined ? ctx.workspace : input.workspace;
  ctx.auditSink({
    level: 'INFO',
    time: ts.toISOString(),
    request_id: ctx.requestId ?? null,
    pid: process.pid,
    tags: ['audit'],
    auditable_type: input.auditableType,
    auditable_id: input.auditableId,
    action: input.action,
    user_type: AUDIT_USER_TYPES[ctx.actor.type],
    user_name: ctx.actor.name,
    remote_address: ctx.remoteAddress ?? null,
    request_uuid: ctx.requestId ?? null,
    workspace_slug: workspace?.slug ?? null,
    audited_changes: changes,
  });
}

const AUDIT_USER_TYPES: Record<ServiceContext['actor']['type'], string> = {
  user: 'User',
  auth_token: 'AuthToken',
  system: 'System',
  agent: 'Agent',
};

/** `{field: [old, new]}` for the fields that differ between two plain objects. */
export function diffChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      out[key] = [before[key] ?? null, after[key] ?? null];
    }
  }
  return out;
}
