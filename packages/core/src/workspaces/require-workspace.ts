import type { ServiceContext, WorkspaceRef } from '../context.js';
import { AppError } from '../errors.js';

/**
 * The workspace of a workspace-scoped call.
 * @throws AppError workspace_required when the caller is on a global context.
 */
export function requireWorkspace(ctx: ServiceContext): WorkspaceRef {
  if (ctx.workspace === null) {
    throw new AppError(
      'workspace_required',
      'This call works inside a workspace: use a workspace token, or send the X-Workspace header with the workspace slug',
    );
  }
  return ctx.workspace;
}
