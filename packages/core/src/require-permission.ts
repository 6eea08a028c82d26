import { grants, type Permission } from '@commander/contracts';

import type { ServiceContext } from './context.js';
import { AppError } from './errors.js';

/**
 * Defense in depth: a use case of a global resource checks its permission itself, whatever the
 * route declared. @throws AppError forbidden
 */
export function requirePermission(ctx: ServiceContext, permission: Permission): void {
  if (!grants(ctx.permissions, permission)) {
    throw new AppError('forbidden', `This needs the ${permission} permission`, { permission });
  }
}
