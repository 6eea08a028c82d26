import type { ServiceContext } from '../context.js';
import {
  completeAttach,
  completeCheck,
  completeDetach,
  completeUpdate,
} from './complete-lifecycle.js';
import { completeDelete, completeInstall } from './complete-operation.js';
import type { ClaimedOperation } from './execution.js';

/**
 * Records a failure that happened outside dhctl (a bug, a missing configuration, transport
 * failures after the last attempt) the same way a failed dhctl result is recorded.
 */
export async function failOperation(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  error: string,
): Promise<void> {
  const outcome = { error };
  switch (claimed.operation.kind) {
    case 'INSTALL':
      return completeInstall(ctx, claimed, outcome);
    case 'DELETE':
      return completeDelete(ctx, claimed, outcome);
    case 'UPDATE':
      return completeUpdate(ctx, claimed, outcome);
    case 'CHECK':
      return completeCheck(ctx, claimed, outcome);
    case 'ATTACH':
      return completeAttach(ctx, claimed, outcome);
    case 'DETACH':
      return completeDetach(ctx, claimed, outcome);
  }
}
