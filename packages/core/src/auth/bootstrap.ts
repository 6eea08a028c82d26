import { randomBytes, randomUUID } from 'node:crypto';

import { BUILT_IN_ROLES, tokenScopePermissions } from '@commander/contracts';
import { hashPassword, hashToken, tokenPrefix } from '@commander/crypto';
import type { Db } from '@commander/db';

import { settingText } from '../security/encryption.js';
import { installPresetTemplates } from '../templates/install-presets.js';

export type BootstrapOptions = {
  /** First admin's email/password; a password is generated when not given. */
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  /**
   * When set, a global write token with exactly this value exists (at least
   * BOOTSTRAP_TOKEN_MIN_LENGTH characters). Once revoked it stays revoked.
   */
  bootstrapToken?: string | undefined;
};

/** COMMANDER_BOOTSTRAP_TOKEN is a full-rights credential: it must not be guessable. */
export const BOOTSTRAP_TOKEN_MIN_LENGTH = 32;

export type BootstrapResult = {
  /** Set when this start created the first admin (print it once). */
  createdAdmin: { email: string; password: string; generated: boolean } | null;
  commanderUuid: string;
  defaultWorkspaceId: string | null;
  /** Things the operator should know (log them as warnings), e.g. a revoked bootstrap token. */
  warnings: string[];
};

export const DEFAULT_ADMIN_EMAIL = 'admin@commander.local';

/**
 * Makes a fresh (or upgraded) installation usable; idempotent, runs at every API start:
 * built-in roles, this installation's UUID, the `default` workspace with preset templates on
 * a fresh install, the first admin, and the bootstrap token.
 */
export async function bootstrapInstallation(
  db: Db,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  // Several API replicas may start together: one bootstrap at a time.
  return db
    .$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(727002)`;
        for (const [scope, roles] of [
          ['GLOBAL', BUILT_IN_ROLES.global],
          ['WORKSPACE', BUILT_IN_ROLES.workspace],
        ] as const) {
          for (const [name, role] of Object.entries(roles) as [
            string,
            { description: string; permissions: readonly string[] },
          ][]) {
            await tx.role.upsert({
              where: { scope_name: { scope, name } },
              create: {
                scope,
                name,
                description: role.description,
                permissions: [...role.permissions],
                isBuiltIn: true,
              },
              update: {
                description: role.description,
                permissions: [...role.permissions],
                isBuiltIn: true,
              },
            });
          }
        }
        let uuidSetting = await tx.systemSetting.findUnique({ where: { key: 'commander_uuid' } });
        uuidSetting ??= await tx.systemSetting.create({
          data: { key: 'commander_uuid', value: randomUUID() },
        });

        let defaultWorkspaceId: string | null = null;
        if ((await tx.workspace.count()) === 0) {
          const ws = await tx.workspace.create({ data: { slug: 'default', name: 'Default' } });
          defaultWorkspaceId = ws.id;
        } else {
          defaultWorkspaceId =
            (await tx.workspace.findUnique({ where: { slug: 'default' } }))?.id ?? null;
        }

        let createdAdmin: BootstrapResult['createdAdmin'] = null;
        if ((await tx.user.count()) === 0) {
          const email = (options.adminEmail ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
          const generated = !options.adminPassword;
          const password = options.adminPassword ?? randomBytes(12).toString('base64url');
          const user = await tx.user.create({
            data: { email, name: 'Administrator', passwordHash: await hashPassword(password) },
          });
          const adminRole = await tx.role.findUniqueOrThrow({
            where: { scope_name: { scope: 'GLOBAL', name: 'admin' } },
          });
          await tx.roleBinding.create({
            data: { userId: user.id, roleId: adminRole.id, workspaceId: null },
          });
          createdAdmin = { email, password, generated };
        }

        const warnings: string[] = [];
        if (options.bootstrapToken !== undefined) {
          if (options.bootstrapToken.length < BOOTSTRAP_TOKEN_MIN_LENGTH) {
            throw new Error(
              `COMMANDER_BOOTSTRAP_TOKEN must be at least ${BOOTSTRAP_TOKEN_MIN_LENGTH} characters`,
            );
          }
          const tokenHash = hashToken(options.bootstrapToken);
          const existing = await tx.authToken.findUnique({ where: { tokenHash } });
          if (!existing) {
            await tx.authToken.create({
              data: {
                name: 'bootstrap',
                workspaceId: null,
                tokenHash,
                prefix: tokenPrefix(options.bootstrapToken),
                scope: 'WRITE',
                // A root token: no issuer, the full rights of a global write token.
                permissions: tokenScopePermissions('global', 'write'),
                createdByName: 'COMMANDER_BOOTSTRAP_TOKEN',
              },
            });
          } else if (existing.revokedAt) {
            // Revocation is final: restarting with the same value must not undo it.
            warnings.push(
              `COMMANDER_BOOTSTRAP_TOKEN was revoked on ${existing.revokedAt.toISOString()} and stays revoked; unset it or set a new value`,
            );
          }
        }
        return {
          createdAdmin,
          commanderUuid: settingText(uuidSetting.value),
          defaultWorkspaceId,
          warnings,
        };
      },
      { timeout: 30_000 },
    )
    .then(async (result) => {
      if (result.defaultWorkspaceId) {
        await installPresetTemplates(db, result.defaultWorkspaceId);
      }
      return result;
    });
}
